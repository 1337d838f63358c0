"""Executes one notebook with nbconvert's ExecutePreprocessor (what `jupyter nbconvert --execute` runs)
and exports it to HTML, keeping the outputs of a failing run.

Why a script instead of the `jupyter nbconvert --execute` command: tslab reports a failing cell only
through the reply status (its message goes to the cell's stderr stream, with no `error` output), so the
command either stops and writes nothing (and its message is empty) or, with --allow-errors, cannot tell
that a cell failed. Driving the same preprocessor from here keeps the executed notebook in both cases
and says which cell failed and what it printed.

Usage: python3 execute.py NOTEBOOK OUT_DIR NAME KERNEL TIMEOUT_SECONDS WORKDIR TEMPLATES_DIR
Prints one JSON line: {"ok", "cell", "source", "message", "html", "ipynb"}.
"""
import copy
import json
import os
import sys

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor


class Tracking(ExecutePreprocessor):
    """Remembers the cell being executed, so a failure can name it, and numbers the executed cells.

    Why number them here: nbconvert's preprocessor takes the count from the kernel's messages, and tslab
    sends none (its execute_reply leaves execution_count out), so every cell would read `In [ ]:`.
    The count is what Jupyter would show after "Run All": 1, 2, … over the code cells executed.
    """

    current = -1
    executed = 0

    def preprocess_cell(self, cell, resources, index, **kwargs):
        self.current = index
        if cell.cell_type == "code":
            self.executed += 1
            cell.execution_count = self.executed  # set first: a cell that fails still shows its number
        cell, resources = super().preprocess_cell(cell, resources, index, **kwargs)
        if cell.cell_type == "code" and cell.get("execution_count") is None:
            cell.execution_count = self.executed
        return cell, resources


def stderr_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


def for_report(nb, failed_index):
    """The notebook as the HTML report shows it: stderr of the cells that succeeded as ordinary output.

    tslab writes a failing cell's compile or runtime error to stderr (it sends no `error` output), so
    stderr keeps the red error styling there. In a cell that succeeded, stderr is information (the
    training notebooks' backend banner, a progress line) and reads as normal output. The executed .ipynb
    keeps the streams as the kernel sent them.
    """
    shown = copy.deepcopy(nb)
    for i, cell in enumerate(shown.cells):
        if cell.cell_type != "code" or i == failed_index:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                out["name"] = "stdout"
    return shown


def main():
    notebook, out_dir, name, kernel, timeout, workdir, templates = sys.argv[1:8]
    nb = nbformat.read(notebook, as_version=4)
    ep = Tracking(timeout=int(float(timeout)), kernel_name=kernel, startup_timeout=180)
    result = {"ok": True, "cell": None, "source": None, "message": None}
    failed_index = None
    try:
        ep.preprocess(nb, {"metadata": {"path": workdir}})
    except CellExecutionError as err:
        result["ok"] = False
        failed_index = ep.current
        cell = nb.cells[ep.current] if 0 <= ep.current < len(nb.cells) else {"source": "", "outputs": []}
        code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        result["cell"] = code_cells.index(ep.current) + 1 if ep.current in code_cells else None
        result["source"] = next((l for l in cell["source"].splitlines() if l.strip()), "")
        printed = stderr_of(cell).strip()
        result["message"] = printed or str(err).strip().splitlines()[-1]
    except Exception as err:  # timeout, dead kernel, kernel that never started
        result["ok"] = False
        failed_index = ep.current
        result["message"] = "%s: %s" % (type(err).__name__, str(err).strip().splitlines()[-1] if str(err).strip() else "")
    os.makedirs(out_dir, exist_ok=True)
    ipynb = os.path.join(out_dir, name + ".ipynb")
    nbformat.write(nb, ipynb)
    exporter = HTMLExporter(template_name="soundlab", extra_template_basedirs=[templates])
    body, _ = exporter.from_notebook_node(for_report(nb, failed_index), resources={"metadata": {"name": name}})
    html = os.path.join(out_dir, name + ".html")
    with open(html, "w", encoding="utf-8") as f:
        f.write(body)
    result["ipynb"] = ipynb
    result["html"] = html
    print(json.dumps(result))


if __name__ == "__main__":
    main()
