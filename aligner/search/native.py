"""The compiled kernels (:mod:`.kernel`) as machine code kept on disk and loaded without numba.

numba's own load costs a process about 0.6 s (importing numba, then its cached code), most of it Python that
holds the GIL the encoder's threads share: it priced the compiled search out of documents under 8,000
sentences and cost long ones a quarter to half a second of embedding. Here each kernel is compiled once per
machine by numba, as a C-callable function over the caller's arrays (``numba.cfunc`` around the kernel, the
arrays as ``carray`` views of pointers), its object code kept by :mod:`aligner.derived` (keyed by the numba and
llvmlite versions and the kernels' source, one file per kind of CPU); each process maps that code with
llvmlite's MCJIT (about 0.03 s, llvmlite's import most of it) and calls it through ctypes. The same functions
compiled by the same numba as its dispatchers would: the same results.

The kernels allocate nothing and raise nothing (numpy's error model: no checks for division by zero; no
bounds checks), so the references numba's code keeps to its runtime (reference counts of arrays that own no
memory, exception paths) are never followed; where numba's C helpers are not loaded they are bound to
``abort`` rather than left unresolved.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

from ..derived import derived_dir, load_or_build, source_hash

# Each kernel's arguments: a scalar or an array (``[:]`` per dimension) of a dtype, ``!`` marking the arrays
# it writes (passed as they are: never a converted copy).
SPECS = {
    "relax_nulls": "!f8[:] !i1[:] !i4[:] i8[:] i8[:] i8[:] i8 f8 f8 i8",
    "relax_rows": "!f8[:] !i1[:] !i4[:] !f8[:] !b1[:] i8[:] i8[:] i8[:] f8[:,:,:] i8 i8 i8[:] i8[:] i8 f8 f8 b1 i8 i8",
    "cell_scores": "!f8[:,:,:] i8[:] f4[:,:,:] f4[:,:,:] f4[:,:,:] i8[:] i8[:] i8[:] i8[:] i8 i8[:] i8[:] i8 i8 i8 i8 "
                   "i8 f4 f8[:] f8[:] b1 f8 f8 f8 b1 f8[:,:] i8 i8 f8[:] f8[:] f8 b1 b1[:] b1[:] i8[:] i8[:] i8[:] "
                   "i8[:] f4 f4 f4",
    "band_columns": "i8 i8 i8[:] i8[:] i8[:] i8 i8 !i8[:] !i8[:]",
    "overlap_cells": "i8[:] i4[:] u1[:] i8[:] i4[:] u1[:] i8[:] i8[:] !f8[:] !f8[:,:]",
}
_CTYPES = {"f8": ctypes.c_double, "f4": ctypes.c_float, "i8": ctypes.c_int64, "i4": ctypes.c_int32,
           "i1": ctypes.c_int8, "u1": ctypes.c_uint8, "b1": ctypes.c_bool}
_SCALARS = {"f8": float, "f4": float, "i8": int, "i4": int, "i1": int, "u1": int, "b1": bool}
_engines: list = []  # the loaded code lives as long as its engine: for the process


def load() -> SimpleNamespace | None:
    """The kernels as ctypes callers with :mod:`.kernel`'s signatures, built on this machine's first call
    (numba compiles them: a few seconds, once), or None where that cannot be done (no llvmlite, no numba to
    build with, a platform MCJIT refuses): the caller then uses numba's dispatchers."""
    try:
        import llvmlite.binding as llvm

        payload = load_or_build(f"search-kernels-{_machine_id(llvm)}", _key(), _build)
        return _loaded(llvm, payload)
    except Exception:  # noqa: BLE001 - any failure only means numba's own, slower to load, kernels
        return None


def _machine_id(llvm) -> str:
    """This CPU, in the kept file's name rather than only its key: machines of several kinds sharing one
    cache folder (a cluster's home directory) each keep their own code instead of replacing each other's."""
    cpu = "\0".join([platform.machine(), llvm.get_process_triple(), llvm.get_host_cpu_name(),
                     llvm.get_host_cpu_features().flatten()])
    return hashlib.sha256(cpu.encode()).hexdigest()[:12]


def _key() -> str:
    """What the machine code depends on besides the CPU: the compilers, the kernels' source and this file's."""
    return "\0".join([version("numba"), version("llvmlite"), source_hash(str(Path(__file__).with_name("kernel.py"))),
                      source_hash(__file__)])


def _parsed(spec: str) -> list[tuple[str, int, bool]]:
    """(dtype code, dimensions (0: a scalar), written) for each argument of ``spec``."""
    out = []
    for item in spec.split():
        written = item.startswith("!")
        code, _, dims = item.lstrip("!").partition("[")
        out.append((code, dims.count(":"), written))
    return out


def _build() -> dict:
    """Compile each kernel as a C-callable function with numba and emit its object code for this CPU: the
    objects, each kernel's symbol, and the symbols they leave to the process. Refused where the derived data's
    folder cannot be written: every process would compile them again (seconds), where numba's dispatchers
    load in well under one."""
    folder = derived_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"{folder} cannot be written")
    import llvmlite.binding as llvm
    from numba import carray, cfunc, types

    from . import kernel

    numba_types = {"f8": types.float64, "f4": types.float32, "i8": types.int64, "i4": types.int32,
                   "i1": types.int8, "u1": types.uint8, "b1": types.boolean}
    machine = _machine(llvm)
    objects, names, externals = [], {}, set()
    for name, spec in SPECS.items():
        params, views, call, signature = [], [], [], []
        for k, (code, ndim, _) in enumerate(_parsed(spec)):
            if ndim:
                dims = [f"d{k}_{d}" for d in range(ndim)]
                params += [f"p{k}", *dims]
                signature += [types.CPointer(numba_types[code])] + [types.int64] * ndim
                views.append(f"    a{k} = carray(p{k}, ({', '.join(dims)},))\n")
            else:
                params.append(f"a{k}")
                signature.append(numba_types[code])
            call.append(f"a{k}")
        source = f"def entry({', '.join(params)}):\n{''.join(views)}    kernel({', '.join(call)})\n"
        scope = {"carray": carray, "kernel": getattr(kernel, name)}
        exec(compile(source, f"<aligner.search.native {name}>", "exec"), scope)  # noqa: S102 - our own source
        entry = cfunc(types.void(*signature), error_model="numpy")(scope["entry"])
        module = llvm.parse_assembly(entry.inspect_llvm())
        externals.update(f.name for f in module.functions if f.is_declaration and not f.name.startswith("llvm."))
        externals.update(g.name for g in module.global_variables if g.is_declaration)
        objects.append(machine.emit_object(module))
        names[name] = entry.native_name
    return {"objects": objects, "names": names, "externals": sorted(externals)}


def _machine(llvm):
    """This CPU's target machine, as numba's JIT makes it (static relocations on x86)."""
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    reloc = "static" if target.name.startswith("x86") else "default"
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                                        opt=3, reloc=reloc, codemodel="jitdefault", jit=True)


def _loaded(llvm, payload: dict) -> SimpleNamespace:
    """The payload's objects mapped into an MCJIT engine of this process, each kernel a ctypes caller."""
    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), _machine(llvm))
    abort = ctypes.cast(ctypes.CDLL(None).abort, ctypes.c_void_p).value
    for name in payload["externals"]:
        # numba's runtime where numba is not loaded: never reached (module docstring); numba, loaded later,
        # binds them to its own as it starts
        if not name.startswith("llvm.") and not llvm.address_of_symbol(name):
            llvm.add_symbol(name, abort)
    for data in payload["objects"]:
        engine.add_object_file(llvm.ObjectFileRef.from_data(data))
    engine.finalize_object()
    _engines.append(engine)
    return SimpleNamespace(**{name: _caller(engine.get_function_address(payload["names"][name]), spec)
                              for name, spec in SPECS.items()})


def _caller(address: int, spec: str) -> Callable[..., None]:
    """A function taking the kernel's own arguments (arrays, numbers) and calling its machine code at
    ``address`` with each array as a pointer and its dimensions. An array it only reads is converted to the
    dtype and layout the code expects where it has others (kept alive for the call); one it writes must have
    them already (a converted copy would lose the writes)."""
    if not address:
        raise RuntimeError("kernel symbol not found")
    kinds = _parsed(spec)
    argtypes: list = []
    for code, ndim, _ in kinds:
        argtypes += [ctypes.c_void_p] + [ctypes.c_int64] * ndim if ndim else [_CTYPES[code]]
    function = ctypes.CFUNCTYPE(None, *argtypes)(address)
    dtypes = [np.dtype(code) for code, _, _ in kinds]

    def call(*args) -> None:
        if len(args) != len(kinds):
            raise TypeError(f"expected {len(kinds)} arguments, got {len(args)}")
        flat, kept = [], []
        for value, (code, ndim, written), dtype in zip(args, kinds, dtypes):
            if not ndim:
                flat.append(_SCALARS[code](value))
                continue
            array = value if written else np.ascontiguousarray(value, dtype=dtype)
            if array.dtype != dtype or array.ndim != ndim or not array.flags.c_contiguous \
                    or (written and not array.flags.writeable):
                raise TypeError(f"array argument of {array.dtype}, {array.ndim} dimensions: the kernel takes "
                                f"a C-contiguous {'writeable ' if written else ''}{dtype}, {ndim} dimensions")
            kept.append(array)
            flat.append(array.ctypes.data)
            flat.extend(array.shape)
        function(*flat)

    return call
