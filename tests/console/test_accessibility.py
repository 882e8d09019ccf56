"""The staff console for a staff member using only a keyboard or a screen reader, or working
on a phone-size screen: page names and landmarks, errors that are announced and focused, a chat
that says its new messages aloud, tables with headers, reflow and target size at 360 px,
contrast, and links that say they open a new tab.

Measured in the real headless Chromium of tests/browser (Selenium), on the pages the whole
running bot serves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import file_store
from tests.browser import conftest as browser_conftest
from tests.browser.conftest import HEIGHT, WIDTH
from tests.browser.conftest import Browser as Window
from tests.console.conftest import CITIZEN, HEAD, asks_for_a_link, submitted
from tests.console.test_application import application_id
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says

pytestmark = pytest.mark.timeout(240)
# The real Chromium, as the browser tests start it.
chromium, browser = browser_conftest.chromium, browser_conftest.browser

NARROW = 360  # CSS px: a phone, or a 1280 px screen at 400 % zoom (WCAG 1.4.10)


# ------------------------------------------------------------------ helpers
async def js(window: Window, script: str, *args: Any) -> Any:
    return await window._run(lambda: window.driver.execute_script(script, *args))


async def sign_in(bot: RunningBot, window: Window, user_id: int = STAFF_MEMBER) -> str:
    """Signs in with the link the bot sends; the console's base URL."""
    assert bot.app is not None
    await window.open(bot.app.http_url + await asks_for_a_link(bot.telegram, user_id))
    await window.wait_for_text(says("console-list-title", "ru"), "h1")
    return bot.app.http_url + "/console"


async def with_a_photo(bot: RunningBot) -> int:
    """An application whose identity document is a photo; its id."""
    stored = await file_store(bot.settings).save(jpeg(1), "image/jpeg")
    await submitted(bot, id_document=[{"sha256": stored.sha256, "mime": stored.mime,
                                       "size": stored.size, "name": "id.jpg"}])
    return await application_id(bot)


async def opened(window: Window, url: str) -> None:
    await window.open(url)
    for _ in range(100):
        if await js(window, "return document.readyState") == "complete":
            return
        await asyncio.sleep(0.05)


async def press(window: Window, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    await window._run(lambda: ActionChains(window.driver).send_keys(key).perform())


ACTIVE = """
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return 'BODY';
return e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.getAttribute('data-test') ?
    '[data-test=' + e.getAttribute('data-test') + ']' : '');
"""


async def active(window: Window) -> str:
    """Where the keyboard focus is: '#id', or 'tag[data-test=...]'."""
    return str(await js(window, ACTIVE))


async def pages(bot: RunningBot, window: Window) -> dict[str, str]:
    """A signed-in officer's pages (with an application to show): name -> URL."""
    ref = await with_a_photo(bot)
    base = await sign_in(bot, window)
    return {"list": base + "/", "today": base + "/today", "me": base + "/me",
            "application": f"{base}/a/{ref}"}


async def citizen_writes(bot: RunningBot, words: str) -> None:
    """The citizen picks Kazakh, then "write to a specialist", and writes."""
    citizen = bot.telegram.user(id=CITIZEN)
    await citizen.say("/start")
    await citizen.press_latest("Қазақша")
    await citizen.press_latest(says("menu-specialist", "kk"))
    await citizen.say(words)


# ------------------------------------------------------------------ page structure
async def test_each_page_title_names_the_page(console: RunningBot, browser: Window) -> None:
    """WCAG 2.4.2: a screen reader announces the <title> first, and a tab list shows it; each
    page's title starts with its own heading, not only the console's name."""
    urls = await pages(console, browser)
    titles = {}
    for name, url in urls.items():
        await opened(browser, url)
        h1 = str(await js(browser, "const h = document.querySelector('h1');"
                                   "return h ? h.textContent.trim() : ''"))
        titles[name] = (str(await js(browser, "return document.title")), h1)
    await browser.forget_cookies()  # the sign-in page, as a stranger (or an expired session)
    await opened(browser, urls["list"])
    titles["signin"] = (str(await js(browser, "return document.title")),
                        str(await js(browser, "return document.querySelector('h1').textContent")))
    wrong = {name: t for name, t in titles.items() if not t[1] or t[1] not in t[0]}
    assert not wrong, f"<title> does not name the page (title, h1): {wrong}"


async def test_each_page_has_one_main_heading(console: RunningBot, browser: Window) -> None:
    """A screen reader user jumps by headings; the notice page (e.g. a form of an older
    session) has one too."""
    urls = await pages(console, browser)
    counts = {}
    for name, url in urls.items():
        await opened(browser, url)
        counts[name] = await browser.count("h1")
    # the notice page: a language switch POSTed with a stale CSRF token
    await js(browser, "const f = document.querySelector('form[action$=\"/lang\"]');"
                      "f.querySelector('[name=csrf]').value = 'stale'; f.requestSubmit("
                      "f.querySelector('button:not([disabled])'));")
    await browser.wait_for_text(says("console-page-old", "ru"), "main")
    counts["notice"] = await browser.count("h1")
    wrong = {name: n for name, n in counts.items() if n != 1}
    assert not wrong, f"pages without exactly one <h1>: {wrong}"


async def test_the_header_links_are_a_navigation_landmark(
    console: RunningBot, browser: Window
) -> None:
    """The console's sections (list, today, signature) are in a screen reader's list of
    landmarks, as navigation."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    inside = await js(browser, "return !!document.querySelector('#nav-list').closest("
                               "'nav, [role=navigation]')")
    assert inside, "#nav-list is not inside <nav> / role=navigation"


async def test_the_first_tab_stop_skips_to_the_content(
    console: RunningBot, browser: Window
) -> None:
    """WCAG 2.4.1: the header's links and buttons come before the content on every page; the
    first Tab reaches a 'skip to content' link, shown when focused, and Enter on it puts the
    focus in <main>."""
    from selenium.webdriver.common.keys import Keys

    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    await press(browser, Keys.TAB)
    first = await js(browser, """const e = document.activeElement;
        const r = e.getBoundingClientRect();
        return [e.tagName === 'A' ? e.getAttribute('href') : '', r.top >= 0 && r.height > 0,
                e.textContent.trim()];""")
    assert str(first[0]).startswith("#"), f"first Tab stop is not a skip link: {first}"
    assert first[1], f"the skip link is not visible when focused: {first}"
    assert first[2] == says("console-skip", "ru"), first
    await press(browser, Keys.ENTER)
    assert await js(browser, "return document.activeElement.tagName") == "MAIN"


async def test_language_buttons_are_read_in_their_own_language(
    console: RunningBot, browser: Window
) -> None:
    """WCAG 3.1.2: on a Russian page the button 'Қазақша' is Kazakh, and read as Kazakh."""
    urls = await pages(console, browser)
    await opened(browser, urls["list"])
    lang = await js(browser, "const b = document.querySelector('#lang-kk');"
                             "const e = b.closest('[lang]'); return e ? e.lang : ''")
    assert lang == "kk", f"the 'Қазақша' button is read as {lang!r}"


async def test_the_document_photo_is_described_in_the_page_language(
    console: RunningBot, browser: Window
) -> None:
    """The identity document's photo is announced as what it is, in the page's language (as
    its caption says), not by an internal code such as "id_document"."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    alt, caption = await js(browser, """
        const f = document.querySelector('figure[data-test=document]');
        return [f.querySelector('img').getAttribute('alt'),
                f.querySelector('figcaption').textContent.trim()];""")
    assert alt == "" or alt.split(",")[0] in caption, (alt, caption)


# ------------------------------------------------------------------ errors in forms
ERROR_TIES = """
const field = document.querySelector(arguments[0]);
const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
const described = ids.map(i => document.getElementById(i)).filter(Boolean)
    .map(x => x.textContent.trim()).join(' ');
const error = document.querySelector(arguments[1]);
const live = error && error.closest(
    '[role=alert], [aria-live=assertive], [aria-live=polite], [role=status]');
return {invalid: field.getAttribute('aria-invalid'), described: described,
        error: error ? error.textContent.trim() : null, live: !!live};
"""


async def test_signature_errors_are_marked_tied_and_announced(
    console: RunningBot, browser: Window
) -> None:
    """'Signature on papers' saved empty: the field is invalid, described by its error, and
    the error is announced."""
    urls = await pages(console, browser)
    await opened(browser, urls["me"])
    await browser.click("#me-save")
    await browser.wait_for_text("", "[data-test=me-error-full_name]")
    tie = await js(browser, ERROR_TIES, "#me-full_name", "[data-test=me-error-full_name]")
    assert tie["error"], tie
    assert tie["invalid"] == "true", f"no aria-invalid on the field: {tie}"
    assert tie["error"] in tie["described"], f"error not in aria-describedby: {tie}"
    assert tie["live"], f"error not announced (role=alert / aria-live): {tie}"


async def test_a_failed_signature_save_puts_the_focus_on_the_wrong_field(
    console: RunningBot, browser: Window
) -> None:
    """After the page comes back with errors the focus is on the first wrong field, not at
    the top of a fresh page: a screen reader user learns the save failed, and where."""
    urls = await pages(console, browser)
    await opened(browser, urls["me"])
    await browser.click("#me-save")
    await browser.wait_for_text("", "[data-test=me-error-full_name]")
    assert await active(browser) == "#me-full_name"


async def test_step_form_errors_are_announced_tied_and_focused(
    console: RunningBot, browser: Window
) -> None:
    """A step ('incomplete') confirmed with nothing filled in: its error is announced, its
    fields are invalid and described by it, and the focus is on its first field."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    await browser.click("#confirm-incomplete")
    await browser.wait_for_text("", "#act-incomplete [data-test=action-error]")
    state = await js(browser, """
        const form = document.querySelector('#act-incomplete');
        const err = form.querySelector('[data-test=action-error]');
        const fields = [...form.querySelectorAll('select, textarea, input:not([type=hidden])')];
        return {error: err.textContent.trim(),
                live: !!err.closest('[role=alert], [aria-live]'),
                invalid: fields.filter(f => f.getAttribute('aria-invalid') === 'true').length,
                described: fields.filter(f => (f.getAttribute('aria-describedby') || '')
                    .split(/\\s+/).includes(err.id) && err.id).length,
                fields: fields.length,
                first: fields[0] === document.activeElement};""")
    assert state["error"] and state["live"], state
    assert state["invalid"] == state["described"] == state["fields"] > 0, state
    assert state["first"], (await active(browser), state)


async def test_an_empty_reply_error_is_announced_and_tied_to_the_box(
    console: RunningBot, browser: Window
) -> None:
    """The chat's reply sent empty (htmx swaps #chat): the error is announced, and the reply
    box is invalid, described by it and focused."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    await browser.click("#reply-send")
    await browser.wait_for_text(says("staff-error-empty", "ru"), "#chat")
    tie = await js(browser, ERROR_TIES, "#reply-text", "[data-test=reply-error]")
    assert tie["invalid"] == "true", f"no aria-invalid on the reply box: {tie}"
    assert tie["error"] in tie["described"], f"error not in aria-describedby: {tie}"
    assert tie["live"], f"error not announced (role=alert / aria-live): {tie}"
    assert await active(browser) == "#reply-text"


# ------------------------------------------------------------------ the chat
async def test_a_new_chat_message_is_added_to_a_live_log(
    console: RunningBot, browser: Window
) -> None:
    """The chat refreshes itself every 10 s: a citizen's new message is added inside a log
    (a polite live region) that stays on the page, and the messages already shown are not
    redrawn, so that a screen reader says the new one and only it."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    await js(browser, """
        window.chatLog = document.querySelector('#messages').closest(
            '[aria-live]:not([aria-live=off]), [role=log], [role=status]');
        window.shown = document.querySelector('#messages li[data-direction]');""")
    assert await js(browser, "return !!window.chatLog && !!window.shown"), "no log, or empty"
    await citizen_writes(console, "Сұрақ азаматтан")
    await browser.wait_for_text("Сұрақ азаматтан", "#messages", timeout=25)
    kept = await js(browser, """
        const added = [...document.querySelectorAll('#messages li[data-direction]')].pop();
        return {log: window.chatLog.isConnected, inside: window.chatLog.contains(added),
                old: window.shown.isConnected, words: added.textContent};""")
    assert kept["log"] and kept["inside"] and "Сұрақ азаматтан" in kept["words"], kept
    assert kept["old"], f"the messages shown were redrawn (read out again): {kept}"


async def test_chat_messages_say_in_words_who_wrote_them(
    console: RunningBot, browser: Window
) -> None:
    """The citizen's messages are on blue and those to the citizen on green, indented; words
    say it too, for a screen reader or a colour-blind person."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    await browser.fill("#reply-text", "Ответ специалиста")
    await browser.click("#reply-send")
    await browser.wait_for_text("Ответ специалиста", "#messages")
    await citizen_writes(console, "Сұрақ азаматтан")
    await browser.wait_for_text("Сұрақ азаматтан", "#messages", timeout=25)
    extra = await js(browser, """
        return [...document.querySelectorAll('#messages li[data-direction]')].map(li => {
            const said = li.querySelector('.pre').textContent.trim();
            const time = li.querySelector('time').textContent.trim();
            let rest = li.textContent.replace(said, '').replace(time, '').trim();
            rest += ' ' + (li.getAttribute('aria-label') || '');
            return [li.dataset.direction, rest.trim()]; });""")
    ins = [rest for way, rest in extra if way == "in"]
    outs = [rest for way, rest in extra if way == "out"]
    assert ins and outs, extra
    assert set(ins).isdisjoint(outs) and all(ins) and all(outs), \
        f"no words tell a citizen's message from staff's: {extra}"


# ------------------------------------------------------------------ tables
async def test_the_applications_table_has_a_name_and_column_headers(
    console: RunningBot, browser: Window
) -> None:
    urls = await pages(console, browser)
    await opened(browser, urls["list"])
    state = await js(browser, """
        const t = document.querySelector('#applications');
        return {caption: !!t.querySelector('caption') || t.hasAttribute('aria-label')
                         || t.hasAttribute('aria-labelledby'),
                scoped: [...t.querySelectorAll('th')].every(h => h.getAttribute('scope'))};""")
    assert state == {"caption": True, "scoped": True}, state


async def test_history_and_audit_tables_have_a_name_and_column_headers(
    console: RunningBot, browser: Window
) -> None:
    """A screen reader moving by cell in the history (and the head's audit log) hears which
    column a cell is in: the time, the status, the actor; and the table has a name."""
    ref = await with_a_photo(console)
    base = await sign_in(console, browser, HEAD)
    await opened(browser, f"{base}/a/{ref}")
    state = await js(browser, """
        return [...document.querySelectorAll('#history table, #audit table')].map(t => ({
            id: t.closest('section').id,
            th: [...t.querySelectorAll('th')].filter(h => h.getAttribute('scope')).length,
            named: !!t.querySelector('caption') || t.hasAttribute('aria-label')
                   || t.hasAttribute('aria-labelledby')}));""")
    assert len(state) == 2
    assert all(t["th"] > 0 and t["named"] for t in state), state


# ------------------------------------------------------------------ a phone-size screen
async def each_page_narrow(window: Window, urls: dict[str, str]) -> AsyncIterator[str]:
    """Opens each page at NARROW CSS px (a phone), yielding its name; wide again after."""
    await window._run(lambda: window.driver.set_window_size(NARROW, 800))
    # the window's outer size may include chrome; make sure of the viewport
    inner = await js(window, "return window.innerWidth")
    if inner != NARROW:
        await window._run(lambda: window.driver.set_window_size(
            NARROW + (NARROW - inner), 800))
    try:
        for name, url in urls.items():
            await opened(window, url)
            yield name
    finally:
        await window._run(lambda: window.driver.set_window_size(WIDTH, HEIGHT))


OVERFLOWING = """
const w = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect(); return r.right > w + 1; })
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 1)
  .map(e => (e.id ? '#' + e.id : e.tagName.toLowerCase()) + '→'
            + Math.round(e.getBoundingClientRect().right)).slice(0, 6);
"""


async def test_no_page_scrolls_sideways_at_360px(console: RunningBot, browser: Window) -> None:
    """WCAG 1.4.10 reflow: at 360 CSS px the page does not scroll sideways as a whole (a wide
    table scrolls in its own box)."""
    wider = {}
    async for name in each_page_narrow(browser, await pages(console, browser)):
        size = await js(browser, "return [document.documentElement.scrollWidth, "
                                 "document.documentElement.clientWidth]")
        if size[0] > size[1] + 1:
            wider[name] = (size, await js(browser, OVERFLOWING))
    assert not wider, f"pages wider than {NARROW}px (scrollWidth, clientWidth): {wider}"


async def test_buttons_and_fields_are_at_least_24px_at_360px(
    console: RunningBot, browser: Window
) -> None:
    """WCAG 2.5.8 target size: buttons, selects, the search box and checkboxes are at least
    24×24 CSS px, easy to hit on a phone."""
    small = {}
    async for name in each_page_narrow(browser, await pages(console, browser)):
        small[name] = await js(browser, """
            return [...document.querySelectorAll('button, select, input[type=search], ' +
                      'input[type=checkbox]')]
              .filter(e => e.getClientRects().length)
              .map(e => [e.id || e.getAttribute('data-test') || e.tagName,
                         e.getBoundingClientRect()])
              .filter(([_, r]) => r.height < 24 || r.width < 24)
              .map(([n, r]) => n + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));""")
    assert not any(small.values()), small


# ------------------------------------------------------------------ contrast and links
CONTRAST = """
function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m; }
function lum([r, g, b]) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); }
function bg(e) {
  for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c; }
  return [255, 255, 255]; }
const out = [];
for (const e of document.querySelectorAll('body *')) {
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !e.getClientRects().length || e.disabled) continue;
  const s = getComputedStyle(e);
  const fg = rgb(s.color), back = bg(e);
  const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const large = parseFloat(s.fontSize) >= 24
      || (parseFloat(s.fontSize) >= 18.66 && +s.fontWeight >= 700);
  if (ratio < (large ? 3 : 4.5)) out.push((e.className || e.tagName) + ' ' + s.color + ' on '
      + back.join(',') + ' = ' + ratio.toFixed(2) + ': ' + e.textContent.trim().slice(0, 40));
}
return out;
"""  # noqa: E501  (a formula kept on one line)


async def test_text_contrast_is_at_least_4_5_to_1(console: RunningBot, browser: Window) -> None:
    """WCAG 1.4.3 on every page, with a replaced paper's line among the papers (grey, as the
    template draws it)."""
    urls = await pages(console, browser)
    low = {}
    for name, url in urls.items():
        await opened(browser, url)
        if name == "application":  # a paper replaced by a newer one, as the template draws it
            await js(browser, "const li = document.querySelector('#papers li').cloneNode(true);"
                              "li.className = 'replaced';"
                              "document.querySelector('#papers ul').appendChild(li);")
        low[name] = await js(browser, CONTRAST)
    assert not any(low.values()), low


async def test_links_opening_a_new_tab_say_so(console: RunningBot, browser: Window) -> None:
    """The documents, papers and 'verify' links open a new tab (with no Back history); each
    says so in the page's language."""
    urls = await pages(console, browser)
    await opened(browser, urls["application"])
    silent = await js(browser, """
        return [...document.querySelectorAll('a[target=_blank]')].filter(a => {
            const said = (a.textContent + ' ' + (a.getAttribute('aria-label') || '') + ' ' +
                (a.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
                 .map(i => (document.getElementById(i) || {}).textContent || '').join(' ') +
                ' ' + [...a.querySelectorAll('img[alt]')].map(i => i.alt).join(' '));
            return !said.includes(arguments[0]); })
          .map(a => a.getAttribute('data-test') || a.getAttribute('href'));""",
        says("console-new-tab", "ru"))
    assert not silent, f"links that open a new tab without saying so: {silent}"
