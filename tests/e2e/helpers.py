"""Browser-test helpers."""

from __future__ import annotations

from playwright.sync_api import Page


def draw_signature(page: Page) -> None:
    canvas = page.locator("canvas[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.08 * w, y + 0.7 * h)
    page.mouse.down()
    for px, py in ((0.2, 0.3), (0.3, 0.65), (0.45, 0.3), (0.6, 0.6), (0.8, 0.4)):
        page.mouse.move(x + px * w, y + py * h, steps=6)
    page.mouse.up()
