"""Compiled kernels as shared libraries built once per machine, loaded without numba (:class:`Library`: one per
set of kernels: the search's, :mod:`aligner.search.compiled`; the review's word model's, ``wordmodel.WORDS``).

numba's own load costs a process about 0.6 s (importing numba, then its cached code), most of it Python that
holds the GIL the encoder's threads share: it priced the compiled search out of documents under 8,000
sentences and cost long ones a quarter to half a second of embedding. Here numba compiles each kernel once per
machine as a C-callable function over the caller's arrays (``numba.cfunc`` around the kernel, the arrays as
``carray`` views of pointers, exported as ``aligner_<kernel>``), llvmlite emits the object code for this CPU and
the system's C compiler links it into a shared library kept with the derived data (named by the CPU, the
numba and llvmlite versions and the kernels' source). A process opens it with ctypes in about 2 ms, without
importing numba or llvmlite, and calls the kernels through it. The same functions compiled by the same numba
as its dispatchers would: the same results.

The kernels allocate nothing and raise nothing (numpy's error model: no checks for division by zero; no
bounds checks), so the references numba's code keeps to its runtime (reference counts of arrays that own no
memory, exception paths) are never followed: the library defines them as weak functions that abort, rather
than leave them for a runtime that is not loaded. Without a C compiler, or where the build fails (recorded,
so that it is not tried in every process), the caller uses numba's dispatchers.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

from .derived import derived_dir
from .tempfiles import remove_stale_temps, temp_name

_CTYPES = {"f8": ctypes.c_double, "f4": ctypes.c_float, "i8": ctypes.c_int64, "i4": ctypes.c_int32,
           "i1": ctypes.c_int8, "u1": ctypes.c_uint8, "b1": ctypes.c_bool}
_SCALARS = {"f8": float, "f4": float, "i8": int, "i4": int, "i1": int, "u1": int, "b1": bool}
# The kernels name Python's C API (numba's code refers to it even where never called): left for the process
# that loads the library to provide, which macOS's linker allows only when told
_LINK_FLAGS = {"darwin": ["-undefined", "dynamic_lookup"]}
_RUNTIME = ("NRT_", "numba_")  # numba's runtime, which the kernels' code names but never calls
_libraries: list = []  # opened libraries stay loaded for the process


@dataclass(frozen=True)
class Library:
    """A set of kernels built into one library: its name (in the file's), the module defining them (numba
    functions that allocate nothing and raise nothing) and each kernel's arguments: a scalar or an array
    (``[:]`` per dimension) of a dtype, ``!`` marking the arrays it writes (passed as they are: never a
    converted copy), e.g. ``"!f8[:] i8[:] i8 f8"``."""

    name: str
    module: str
    specs: tuple[tuple[str, str], ...]


def load(library: Library) -> SimpleNamespace | None:
    """The kernels as ctypes callers with their module's signatures, from this machine's library (built by
    the first call that finds none: numba compiles, the C compiler links, a few seconds, once), or None
    where there is none and none can be built: the caller then uses numba's dispatchers."""
    try:
        path = library_path(library)
        if not path.exists():
            _build(path, library)
        try:
            opened = ctypes.CDLL(str(path))
        except OSError:  # damaged (a disk full while it was written, another machine's): built again
            path.unlink(missing_ok=True)
            _build(path, library)
            opened = ctypes.CDLL(str(path))
        kernels = SimpleNamespace(**{name: _caller(ctypes.cast(getattr(opened, f"aligner_{name}"),
                                                               ctypes.c_void_p).value, spec)
                                     for name, spec in library.specs})
        _libraries.append(opened)
        return kernels
    except Exception:  # noqa: BLE001 - any failure only means numba's own, slower to load, kernels
        return None


def built(library: Library) -> bool:
    """Whether this machine's library is there to load (a file's existence: cheap enough to choose the
    search's path by)."""
    try:
        return library_path(library).exists()
    except OSError:
        return False


def buildable(library: Library) -> bool:
    """Whether a missing library could be built here: a C compiler, a folder to keep it in, and no earlier
    failure recorded for these versions."""
    try:
        path = library_path(library)
        return _compiler() is not None and not path.with_suffix(".failed").exists() and _writable(path.parent)
    except OSError:
        return False


def library_path(library: Library) -> Path:
    """Where this machine's library is kept: named by the CPU (machines of several kinds sharing a cache
    folder, a cluster's home directory, keep each their own) and by what its code depends on."""
    return derived_dir() / f"{library.name}-kernels-{_machine_id()}-{_key(library.module)}.so"


@lru_cache(maxsize=1)
def _machine_id() -> str:
    """This CPU, from what the kernel reports of it (model and instruction sets), without loading LLVM (nor
    ``platform.processor()``, which runs ``uname``: 5 ms)."""
    described = platform.machine()
    try:
        first = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split("\n\n")[0]
        described += "\n".join(line for line in first.splitlines()
                               if line.split(":")[0].strip() in ("model name", "flags", "Features", "CPU part"))
    except OSError:
        pass
    return hashlib.sha256(described.encode()).hexdigest()[:12]


@lru_cache(maxsize=None)
def _key(module: str) -> str:
    """The compilers' versions (their version files: reading package metadata costs 20 ms) and the kernels'
    source (``module``'s) and this file's."""
    files = [Path(importlib.util.find_spec(package).origin).with_name("_version.py")
             for package in ("numba", "llvmlite")]
    files += [Path(importlib.util.find_spec(module).origin), Path(__file__)]
    return hashlib.sha256(b"\0".join(f.read_bytes() for f in files)).hexdigest()[:16]


def _compiler() -> str | None:
    return next((found for name in ("cc", "gcc", "clang") if (found := shutil.which(name))), None)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _parsed(spec: str) -> list[tuple[str, int, bool]]:
    """(dtype code, dimensions (0: a scalar), written) for each argument of ``spec``."""
    out = []
    for item in spec.split():
        written = item.startswith("!")
        code, _, dims = item.lstrip("!").partition("[")
        out.append((code, dims.count(":"), written))
    return out


def _build(path: Path, library: Library) -> None:
    """Compile the kernels and link them into the library at ``path`` (atomically; older builds for this
    CPU removed). Refused without a compiler or a writable folder (every process would compile again); a
    failed build is recorded beside it, so that later processes go straight to numba's dispatchers."""
    compiler = _compiler()
    if compiler is None or not _writable(path.parent) or path.with_suffix(".failed").exists():
        raise RuntimeError("the kernels' library cannot be built here")
    remove_stale_temps(path.parent)  # a build killed mid-way leaves its folder
    work = Path(temp_name(path.parent))
    try:
        work.mkdir()
        objects = [work / f"{k}.o" for k in range(len(library.specs) + 1)]
        for target, data in zip(objects, _objects(library)):
            target.write_bytes(data)
        linked = work / "kernels.so"
        subprocess.run([compiler, "-shared", *_LINK_FLAGS.get(sys.platform, []), "-o", str(linked),
                        *map(str, objects), "-lm"], check=True, capture_output=True, timeout=120)
        os.replace(linked, path)
    except (OSError, subprocess.SubprocessError):
        path.with_suffix(".failed").touch()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in path.parent.glob(f"{library.name}-kernels-{_machine_id()}-*"):
        if old.stem != path.stem:
            old.unlink(missing_ok=True)


def _objects(library: Library) -> list[bytes]:
    """Each kernel's object code for this CPU (position independent, its entry exported as
    ``aligner_<kernel>``), then one defining numba's runtime functions the code names as weak aborts."""
    import llvmlite.binding as llvm
    from numba import carray, cfunc, types

    numba_types = {"f8": types.float64, "f4": types.float32, "i8": types.int64, "i4": types.int32,
                   "i1": types.int8, "u1": types.uint8, "b1": types.boolean}
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    machine = llvm.Target.from_triple(llvm.get_process_triple()).create_target_machine(
        cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(), opt=3, reloc="pic",
        codemodel="default")
    objects, runtime = [], set()
    kernel = importlib.import_module(library.module)
    for name, spec in library.specs:
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
        exec(compile(source, f"<aligner.native {name}>", "exec"), scope)  # noqa: S102 - our own source
        entry = cfunc(types.void(*signature), error_model="numpy")(scope["entry"])
        module = llvm.parse_assembly(entry.inspect_llvm())
        module.get_function(entry.native_name).name = f"aligner_{name}"
        runtime.update(f.name for f in module.functions if f.is_declaration and f.name.startswith(_RUNTIME))
        objects.append(machine.emit_object(module))
    stubs = "declare void @abort()\n" + "".join(
        f"define weak void @{name}() {{\n  call void @abort()\n  unreachable\n}}\n" for name in sorted(runtime))
    objects.append(machine.emit_object(llvm.parse_assembly(stubs)))
    return objects


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
