"""A page in the real headless Chromium (Debian's, driven by Playwright) with every other request blocked."""
from __future__ import annotations

import json
from pathlib import Path

SKIP_NO_CHROMIUM = "chromium not installed: apt-get install chromium (the README's test setup does), or set KG_CHROMIUM"


class Opened:
    """A page opened with the network blocked (but for ``allow``, the page's own file or server), with the
    requests it tried and the errors it logged."""

    def __init__(self, browser, where: Path | str, width: int = 1200, height: int = 800, allow: str = "file:",
                 ready: str = "window.kgFirstDraw !== undefined"):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.allow = allow
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.route("**/*", lambda route: (self.requests.append(route.request.url), route.continue_()
                                               if route.request.url.startswith(allow) else route.abort()))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(where.as_uri() if isinstance(where, Path) else where)
        if ready:
            self.page.wait_for_function(ready, timeout=10_000)

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def outside(self) -> list[str]:
        """Requests to anywhere but the page's own origin (all were blocked)."""
        return [u for u in self.requests if not u.startswith(self.allow)]

    def shown_edges(self) -> set[str]:
        return set(self.js("window.kg.edgesView.get().map(e => e.cls)"))

    def shown_nodes(self) -> set[str]:
        return set(self.js("window.kg.nodesView.getIds()"))

    def node_position(self, node: str) -> tuple[float, float]:
        """Where ``node`` is drawn, in page pixels."""
        return tuple(self.js(f"""(() => {{
            const p = window.network.canvasToDOM(window.network.getPositions([{json.dumps(node)}])[{json.dumps(node)}]);
            const b = document.getElementById("network").getBoundingClientRect();
            return [b.left + p.x, b.top + p.y]; }})()"""))

    def hover_edge(self, cls: str) -> None:
        x, y = self.js(f"""(() => {{
            const e = window.kg.edges.get().find(e => e.cls === {json.dumps(cls)});
            const p = window.network.getPositions([e.from, e.to]);
            const dom = window.network.canvasToDOM({{x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2}});
            const box = document.getElementById("network").getBoundingClientRect();
            return [box.left + dom.x, box.top + dom.y];
        }})()""")
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)

    def close(self):
        self.page.close()
