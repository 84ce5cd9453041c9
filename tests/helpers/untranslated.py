"""Finds user-visible text in the desktop app's sources that does not go through Qt's translation.

An AST scan of ``casedesk/ui``: a string literal (or an f-string, a concatenation, a ``"...".format``
or ``"..." % x`` built on one) handed to a Qt text setter or constructor, to one of the app's own
message helpers, or kept in a module-level table of labels, must be the literal argument of
``tr``/``translate``/``QT_TRANSLATE_NOOP`` (pyside6-lupdate extracts literals only). A translated
source string must be a plain literal too: ``tr(f"...")`` can never match a catalogue entry.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Functions whose first argument is the source text a translator sees (second for translate/NOOP).
TRANSLATORS = {"tr": 0, "translate": 1, "QT_TR_NOOP": 0, "QT_TRANSLATE_NOOP": 1, "QT_TRANSLATE_NOOP3": 1}

ALL = None  # every argument may be text
# method or class name -> the positions of its text arguments (keywords by name in TEXT_KEYWORDS)
TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    # QWidget / QAction / item text
    "setText": ALL, "setWindowTitle": ALL, "setToolTip": ALL, "setStatusTip": ALL, "setWhatsThis": ALL,
    "setPlaceholderText": ALL, "setAccessibleName": ALL, "setAccessibleDescription": ALL, "setTitle": ALL,
    "setLabelText": ALL, "setInformativeText": ALL, "setDetailedText": ALL, "showMessage": (0,),
    "setTabText": (1,), "setTabToolTip": (1,), "addTab": (1, 2), "insertTab": (2, 3), "setItemText": (1,),
    "addAction": ALL, "addMenu": ALL, "addSection": ALL, "setIconText": ALL,
    "setHorizontalHeaderLabels": ALL, "setVerticalHeaderLabels": ALL, "setHeaderLabels": ALL,
    "setHeaderLabel": ALL, "setSuffix": ALL, "setPrefix": ALL, "setSpecialValueText": ALL, "setFormat": ALL,
    "addItem": (0, 1), "addItems": (0,), "insertItem": (1, 2), "addRow": (0,), "insertRow": (1,),
    "addButton": (0,), "setButtonText": (1,), "setCancelButtonText": ALL, "setOkButtonText": ALL,
    "setNameFilter": ALL, "setNameFilters": ALL, "setHtml": ALL, "setPlainText": ALL, "setMarkdown": ALL,
    "getOpenFileName": (1, 3), "getOpenFileNames": (1, 3), "getSaveFileName": (1, 3),
    "getExistingDirectory": (1,), "getText": (1, 2), "getItem": (1, 2), "getInt": (1, 2),
    "information": (1, 2), "warning": (1, 2), "critical": (1, 2), "question": (1, 2), "about": (1, 2),
    # widgets and items built with their text
    "QLabel": ALL, "QPushButton": ALL, "QCheckBox": ALL, "QRadioButton": ALL, "QGroupBox": ALL,
    "QAction": ALL, "QToolButton": ALL, "QMenu": ALL, "QCommandLinkButton": ALL, "QMessageBox": (1, 2),
    "QTreeWidgetItem": ALL, "QListWidgetItem": ALL, "QTableWidgetItem": ALL, "QStandardItem": ALL,
    "QProgressDialog": (0, 1), "QToolBar": (0,), "QDockWidget": (0,),
    # the app's own: message lines, error boxes, form dialogs (title, OK text), tables built with headers
    "success": ALL, "notice": ALL, "error": ALL, "set_hint": ALL, "show_error": (2,), "show_message": ALL, "_placeholder": (1,),
    "__init__": ALL, "_action": (0, 4), "_add_tab": (2, 4), "add_button": (0,), "_explain": (1,), "CopyField": (1,), "button": (2, 3), "_date_edit": (1,), "Column": (0,),
}
TEXT_KEYWORDS = {"text", "title", "tooltip", "tool_tip", "label", "caption", "placeholder", "message",
                 "ok_text", "accessible_name", "headers", "labels", "filter", "action"}
# Methods of loggers share names with the message line's (error/notice): a call on these is never UI text.
NOT_UI_RECEIVERS = {"log", "logger", "logging", "warnings", "os", "path", "Path", "re", "json"}
# Module-level tables of labels, shown in headers or menus: their strings need QT_TRANSLATE_NOOP.
LABEL_TABLE = re.compile(r"(_TEXT$|HEADER|COLUMN|TITLE|LABEL|CAPTION|NAMES|TEXTS|MESSAGES|WORDS|STATUSES|MODES|CHOICES|TIPS)")
# Text that is the same in every language: the product's name, a format with no words.
NEUTRAL = {"CaseDesk", "SHA-256", "SHA-1", "MD5"}
# Functions whose name says they return text for the screen (demo_hint, _status_text, …).
TEXT_FUNCTIONS = ("_hint", "_text", "_label", "_title", "_message", "_tip", "_caption")
LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why}: {self.text!r}"


# Markup, format fields and key names carry no words to translate: '<b>{ref}</b><br>{tip}.', ' (Ctrl+I)'.
NOT_WORDS = re.compile(r"\.(?:pdf|csv|json|txt)\b|<[^>]*>|\{[^}]*\}|&\w+;|\b(?:Ctrl|Shift|Alt|Meta)\+\S+|%[\w%]")


def _is_words(text: str) -> bool:
    return bool(LETTERS.search(NOT_WORDS.sub("", text))) and text.strip() not in NEUTRAL


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _receiver(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        value = func.value
        if isinstance(value, ast.Attribute):
            return value.attr
        if isinstance(value, ast.Name):
            return value.id
    return ""


def _is_translation(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _call_name(node.func) in TRANSLATORS


def raw_text(node: ast.expr) -> Iterator[str]:
    """The literal words in ``node`` that reach the screen untranslated (empty when it is safe)."""
    if _is_translation(node):
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and _is_words(node.value):
            yield node.value
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if _is_words(literal):
            yield ast.unparse(node)
    elif isinstance(node, ast.BinOp):
        yield from raw_text(node.left)
        if not isinstance(node.op, ast.Mod):  # "..." % args: the arguments are data
            yield from raw_text(node.right)
    elif isinstance(node, ast.IfExp):
        yield from raw_text(node.body)
        yield from raw_text(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from raw_text(value)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for elt in node.elts:
            yield from raw_text(elt)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "...".format(x), "sep".join(parts): the receiver is the text shown; parts are checked where built
        if node.func.attr in ("format", "upper", "lower", "capitalize", "strip", "replace"):
            yield from raw_text(node.func.value)
            if node.func.attr == "format":
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    yield from raw_text(arg)


def _text_args(call: ast.Call, aliases: dict[str, str] | None = None) -> Iterator[ast.expr]:
    name = _call_name(call.func)
    if isinstance(call.func, ast.Name) and aliases and call.func.id in aliases:
        name = aliases[call.func.id]  # a = self._action; a("&New case…", ...)
    positions = TEXT_CALLS.get(name, ())
    if name not in TEXT_CALLS or _receiver(call.func) in NOT_UI_RECEIVERS:
        return
    if name == "__init__" and not (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Call)
                                   and _call_name(call.func.value.func) == "super"):
        return
    for i, arg in enumerate(call.args):
        if positions is None or i in positions:
            yield arg
    for kw in call.keywords:
        if kw.arg in TEXT_KEYWORDS:
            yield kw.value


def _translated_literals(tree: ast.AST, path: Path) -> Iterator[Finding]:
    """``tr(f"...")``, ``tr("a" + b)``, ``tr("...".format(x))``: text built before translation never matches."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_translation(node):
            index = TRANSLATORS[_call_name(node.func)]
            if len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, (ast.JoinedStr, ast.BinOp, ast.Call, ast.IfExp, ast.BoolOp)):
                    yield Finding(path, node.lineno, ast.unparse(arg), "tr()/translate() of text built before it")


def _raised_messages(tree: ast.AST, path: Path) -> Iterator[Finding]:
    """An error raised in the UI with its message written there is shown in a dialog: it is UI text."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = _call_name(node.exc.func)
            if name.endswith("Error") and not hasattr(builtins, name) and node.exc.args:  # builtins: bugs
                for text in raw_text(node.exc.args[0]):
                    yield Finding(path, node.lineno, text, f"untranslated message of {name}")


def _label_tables(tree: ast.Module, path: Path) -> Iterator[Finding]:
    for stmt in tree.body:
        body = stmt.body if isinstance(stmt, ast.ClassDef) else [stmt]
        for node in body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if not any(LABEL_TABLE.search(n) for n in names):
                continue
            values: list[ast.expr] = []
            if isinstance(value, ast.Dict):  # every string of a value: {"transfer": (title, button, tip)}
                values += [v for v in value.values if v is not None]
            elif isinstance(value, (ast.List, ast.Tuple)):  # (label, data) pairs: the label is the first
                values += [e.elts[0] if isinstance(e, (ast.List, ast.Tuple)) and e.elts else e for e in value.elts]
            for v in values:
                for text in raw_text(v):
                    yield Finding(path, v.lineno, text, f"label table {names[0]} not marked QT_TRANSLATE_NOOP")


def _model_returns(tree: ast.AST, path: Path) -> Iterator[Finding]:
    """What a model's data()/headerData() returns is what its view shows; a _why_not_…() reason is a tooltip."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (node.name in ("data", "headerData", "tooltip", "display")
                                                  or node.name.lstrip("_").startswith("why")
                                                  or node.name.endswith(TEXT_FUNCTIONS)):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    for text in raw_text(sub.value):
                        yield Finding(path, sub.lineno, text, f"untranslated text returned by {node.name}()")


def scan_source(source: str, path: Path) -> list[Finding]:
    tree = ast.parse(source, str(path))
    found: list[Finding] = []
    aliases = {t.id: node.value.attr for node in ast.walk(tree) if isinstance(node, ast.Assign)
               and isinstance(node.value, ast.Attribute) for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in _text_args(node, aliases):
                for text in raw_text(arg):
                    found.append(Finding(path, getattr(arg, "lineno", node.lineno), text,
                                         f"untranslated text for {_call_name(node.func)}()"))
    found += _translated_literals(tree, path)
    found += _raised_messages(tree, path)
    found += _model_returns(tree, path)
    found += _label_tables(tree, path)
    return sorted(set(found), key=lambda f: (str(f.path), f.line, f.text))


# A development tool that drives the app with demo input (what it types is data, not the app's text).
NOT_APP_TEXT = {"screenshots.py"}


def scan(root: Path) -> list[Finding]:
    found: list[Finding] = []
    for path in sorted(p for p in root.rglob("*.py") if p.name not in NOT_APP_TEXT):
        found += scan_source(path.read_text("utf-8"), path)
    return found
