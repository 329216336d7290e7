"""The review report: one self-contained HTML page (tables, paragraph view, heatmap as an inline PNG)."""

from .html import render_html

__all__ = ["render_html"]
