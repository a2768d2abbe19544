#!/usr/bin/python3
"""Every QML module Ponder can load at run time is installed and its Debian package is listed in
packaging/qml-modules.txt (which install-deps.sh installs and the .deb depends on).

Starts from the imports of ui/**/*.qml, then follows each module's own QML files and qmldir
`depends`/`import` lines, sub-modules included (QtQuick.Dialogs loads QtQuick.Dialogs.quickimpl,
whose FileDialog.qml imports Qt.labs.folderlistmodel: the import that was missing when "Add
model..." crashed the app). Each module's package is found with dpkg -S on its qmldir.

    check_qml_modules.py SOURCE_DIR [QML_IMPORT_DIR]
"""
import os
import re
import subprocess
import sys

IMPORT = re.compile(r"^\s*import\s+([A-Za-z][\w.]*)", re.M)
BUILTIN = {"QtQml"}  # compiled into libQt6Qml, no qmldir of its own
SKIP_DIRS = {"designer"}  # Qt Creator's property sheets, never loaded by an app


def imports_in(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return set(IMPORT.findall(f.read()))


def own_imports(src):
    found = set()
    for root, _, files in os.walk(os.path.join(src, "ui")):
        found |= {m for f in files if f.endswith(".qml") for m in imports_in(os.path.join(root, f))}
    return {m for m in found if not m.startswith("Ponder")}


def module_closure(start, qml_dir):
    """module -> its qmldir path (None when not installed), following imports transitively."""
    seen, todo = {}, set(start)
    while todo:
        module = todo.pop()
        if module in seen or module in BUILTIN:
            continue
        mdir = os.path.join(qml_dir, *module.split("."))
        qmldir = os.path.join(mdir, "qmldir")
        seen[module] = qmldir if os.path.exists(qmldir) else None
        if not seen[module]:
            continue
        for root, dirs, files in os.walk(mdir):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for f in files:
                p = os.path.join(root, f)
                if f.endswith(".qml"):
                    todo |= imports_in(p)
                elif f == "qmldir":
                    for line in open(p, encoding="utf-8", errors="replace"):
                        w = line.split()
                        if len(w) >= 2 and w[0] in ("depends", "import"):
                            todo.add(w[1])
    return seen


def main():
    src = sys.argv[1]
    qml_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/x86_64-linux-gnu/qt6/qml"
    listed = set()
    with open(os.path.join(src, "packaging", "qml-modules.txt")) as f:
        listed = {line.split("#")[0].strip() for line in f} - {""}
    modules = module_closure(own_imports(src), qml_dir)
    failures = []
    for module, qmldir in sorted(modules.items()):
        if not qmldir:
            failures.append(f"{module}: not installed (no {module.replace('.', '/')}/qmldir under {qml_dir}); "
                            "add its Debian package to packaging/qml-modules.txt")
            continue
        out = subprocess.run(["dpkg", "-S", qmldir], capture_output=True, text=True)
        package = out.stdout.split(":")[0].strip() if out.returncode == 0 else None
        if not package:
            failures.append(f"{module}: {qmldir} belongs to no Debian package")
        elif package not in listed:
            failures.append(f"{module}: its package {package} is missing from packaging/qml-modules.txt")
        else:
            print(f"ok  {module:36} {package}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(modules)} modules, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
