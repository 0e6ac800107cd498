"""A reviewer's peer-review notebook in real JupyterLab (learner mode) and Debian's Chromium.

The PRD under review is hostile (a script, an image whose ``onerror`` runs code, an SVG with ``onload``, a
remote image and link): in the page it is text, nothing of it runs, and nothing is fetched from outside. The
review cell answers in the course's feedback box.
"""

from __future__ import annotations

import shutil
import time

import nbformat
import pytest
from playwright.sync_api import expect

from pmkit.cohort import peer_review
from tests.browser.test_browser import Lab, _element_shot, _open, _panel, _run_cell, _shot
from tests.conftest import CHROMIUM, REPO, block_outside, new_cohort, with_answers

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (.ci/run installs it)")]
SOURCE = REPO / "solutions" / "prd" / "prd.ipynb"
MODEL = next(c.source for c in nbformat.read(SOURCE, as_version=4).cells if c.id == "answer-prd")
HOSTILE = (MODEL + '\n\nOur <script>window.__pwned=1</script> research ![chart](https://evil.example/x.png) '
           '<img src="x" onerror="window.__pwned=2"> <svg onload="window.__pwned=3"></svg> '
           '[read more](https://evil.example/doc) https://evil.example/bare costs $5 and $6\n\n'
           '<img src="https://evil.example/y.png">\n')
SCORES = {"problem": 1, "users": 1, "goals": 1, "scope": 0, "requirements": 1, "risks": 1}
COMMENT = "The 40 s baseline is specific and the P0 preview requirement is testable; give each risk an owner."


def test_a_hostile_prd_is_inert_in_jupyterlab_and_the_review_cell_answers(tmp_path, browser):
    started = time.perf_counter()
    cohort = new_cohort(tmp_path / "c", [("ana", "Ana", "Quist"), ("ben", "Ben", "Ruiz"), ("cy", "Cy", "Tran")],
                        release=["prd"])
    subs = tmp_path / "subs"
    subs.mkdir()
    for learner, text in (("ana", MODEL), ("ben", HOSTILE), ("cy", MODEL)):
        nbformat.write(with_answers(SOURCE, **{"answer-prd": text}), subs / f"{learner}.ipynb")
    cohort.collect(subs, "prd")
    peer_review.assign(cohort, "prd", reviews=2, seed=1)
    reviewer, slot = next((r, s) for r, s, a in peer_review.read_assignments(cohort.root, "prd") if a == "ben")
    other = "B" if slot == "A" else "A"
    home = tmp_path / "home"
    (home / "peer-review").mkdir(parents=True)
    notebook = home / "peer-review" / "prd-peer-review.ipynb"
    nb = nbformat.read(peer_review.folder(cohort.root, "prd") / "outbox" / reviewer / notebook.name, as_version=4)
    for cell in nb.cells:  # the reviewer's saved answer for the hostile PRD; the other slot left as handed out
        if cell.id == f"review-{slot}":
            cell.source = (f"scores_{slot} = {SCORES!r}\ncomment_{slot} = {COMMENT!r}\n"
                           f"peer_review.check({slot!r}, scores_{slot}, comment_{slot})")
    nbformat.write(nb, notebook)
    shutil.copytree(REPO / "datasets", home / "datasets")
    lab = Lab("learner", tmp_path, root=home, open_path=str(notebook))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = block_outside(context)
    tab = context.new_page()
    try:
        _open(tab, lab, "peer-review/prd-peer-review.ipynb")
        ids = [cell.id for cell in nb.cells]
        prd = _panel(tab).locator(".jp-Cell").nth(ids.index(f"prd-{slot}"))
        prd.scroll_into_view_if_needed()
        rendered = prd.locator(".jp-RenderedMarkdown")
        expect(rendered).to_contain_text("<script>window.__pwned=1</script>", timeout=30_000)
        expect(rendered).to_contain_text("[image removed]")
        expect(rendered).to_contain_text("read more (link removed)")
        expect(rendered).to_contain_text("https://evil.example/bare costs $5 and $6")
        assert rendered.locator("img, svg, script, a[href*='evil']").count() == 0
        assert rendered.locator("h1").count() == 0  # the PRD's own title sits under "PRD X", not as a second H1
        _element_shot(rendered.locator("p", has_text="research").last, "peer-review-hostile-prd")
        _run_cell(tab, ids.index("setup"))
        answered = _run_cell(tab, ids.index(f"review-{slot}"))
        box = answered.locator(".pmkit-feedback.pmkit-correct")
        expect(box).to_contain_text("Ready to hand back", timeout=30_000)
        expect(box).to_contain_text(f"PRD {slot}: every criterion scored (5 of 6)")
        blank = _run_cell(tab, ids.index(f"review-{other}"))
        expect(blank.locator(".pmkit-feedback.pmkit-not_attempted")).to_contain_text(
            f"PRD {other} is not reviewed yet", timeout=30_000)
        expect(blank.locator(".jp-OutputArea")).not_to_contain_text("Traceback")
        _shot(tab, "peer-review-notebook")
        assert tab.evaluate("() => window.__pwned") is None
        assert tab.locator(".jp-RenderedMarkdown h1").count() == 1
        assert not [url for url in outside if "evil.example" in url], outside
    finally:
        context.close()
        lab.stop()
    print(f"\npeer-review browser test took {time.perf_counter() - started:.1f} s")
