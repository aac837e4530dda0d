"""Post forms as a browser would: from the page the server rendered, never by hand.

A hand-built post passes when the real form cannot be saved (a formset's blank
rows whose select has a default counted as changed). ``submit`` reads the form
on the page, keeps every value a browser would send (hidden fields, management
forms, selected options, checked boxes), applies the test's changes by field
name, and posts it to the form's action.

    response = submit(client, "/mentorship/availability/", {"form-0-start_time": "09:00"})
    response = submit(client, url, {"form-1-DELETE": True}, form="#hours")
"""

from urllib.parse import urljoin

from bs4 import BeautifulSoup

__all__ = ["form_fields", "rendered_form", "submit"]


def rendered_form(html, form=None):
    """The ``<form>`` element of ``html``: the one matching CSS ``form``, or the only POST form."""
    soup = BeautifulSoup(html, "html.parser")
    if form is not None:
        found = soup.select_one(form)
        if found is None:
            raise AssertionError(f"no form matches {form!r} on the page")
        return found
    forms = [f for f in soup.find_all("form") if (f.get("method") or "get").lower() == "post"]
    if len(forms) != 1:
        raise AssertionError(f"the page has {len(forms)} POST forms: name one with form=")
    return forms[0]


def form_fields(element):
    """The (name, value) pairs a browser sends for ``element`` without any change."""
    pairs = []
    for field in element.find_all(["input", "select", "textarea", "button"]):
        name = field.get("name")
        if not name or field.has_attr("disabled") or field.find_parent("fieldset", disabled=True):
            continue
        if field.name == "input":
            kind = (field.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    pairs.append((name, field.get("value", "on")))
                continue
            pairs.append((name, field.get("value", "")))
        elif field.name == "textarea":
            text = field.string or ""
            # The HTML parser keeps the newline browsers drop right after <textarea>.
            pairs.append((name, text[1:] if text.startswith("\n") else text))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not field.has_attr("multiple") and not chosen and options:
                chosen = options[:1]  # a single select sends its first option
            pairs.extend((name, o.get("value", o.get_text())) for o in chosen)
    return pairs


def _apply(pairs, changes):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        if value is None or value is False:
            data.pop(name, None)  # cleared box, or a field the browser would not send
        elif value is True:
            data[name] = ["on"]
        elif hasattr(value, "read"):
            data[name] = [value]  # a file for an <input type=file>
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = [str(value)]
    return data


def submit(client, url, changes=None, *, form=None, button=None, follow=False, **extra):
    """GET ``url``, fill its form with ``changes`` and send it where and as the form says.

    ``changes`` maps a field name to its new value: a string (or number), a list
    for several values, True to tick a box, None/False to leave the field out,
    or an open file (e.g. ``SimpleUploadedFile``) for a file input.
    ``button`` is the name (or ``name=value``) of the submit button pressed.
    Changing a field the page does not render fails the test, as a browser cannot.
    """
    page = client.get(url, **extra)
    if page.status_code != 200:
        raise AssertionError(f"GET {url} answered {page.status_code}")
    element = rendered_form(page.content.decode(), form)
    pairs = form_fields(element)
    rendered = {name for name, _ in pairs} | {
        f.get("name") for f in element.find_all(["input", "select", "textarea"]) if f.get("name")
    }
    unknown = set(changes or {}) - rendered
    if unknown:
        raise AssertionError(f"the form at {url} has no field {sorted(unknown)}")
    data = _apply(pairs, changes)
    if button:
        name, _, value = button.partition("=")
        data[name] = [value]
    action = urljoin(page.wsgi_request.build_absolute_uri(), element.get("action") or "")
    if (element.get("method") or "get").lower() == "get":
        # A browser sends a GET form as the query string of its action.
        return client.get(action.split("?")[0], data, follow=follow, **extra)
    return client.post(action, data, follow=follow, **extra)
