"""Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, for the browser tests: open a page,
fill and submit its form as a person would, read what is shown, and keep a full-page PNG of every page."""

import base64
import io
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
MISSING = "Debian chromium/chromium-driver not installed (.ci/run installs them)"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN")
DESKTOP, PHONE = (1280, 900), (390, 844)
PAGE_LOAD_S = 180  # a page that grades an answer waits for the grader; the first grade loads its models


def installed() -> bool:
    return bool(shutil.which(CHROMIUM) and shutil.which(DRIVER))


class Browser:
    """One browser window; `person` signs somebody in after clearing the last person's cookies."""

    def __init__(self, base: str, shots: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.base, self.shots, self.count = base, shots, 0
        self.profile = tempfile.mkdtemp(prefix="aigc-cs-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service(DRIVER))
        self.driver.set_page_load_timeout(PAGE_LOAD_S)
        self.size(DESKTOP)

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def size(self, size: tuple[int, int]) -> None:
        self.driver.set_window_size(*size)

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base).split("?")[0]

    @property
    def text(self) -> str:
        return self.driver.find_element("tag name", "body").text

    def find(self, css: str):
        return self.driver.find_elements("css selector", css)

    def fill(self, **fields: str) -> None:
        """Type into the inputs, selects and text areas named by the keywords; a radio button or check box named so
        is picked by its value."""
        from selenium.webdriver.support.ui import Select

        for name, value in fields.items():
            element = self.driver.find_element("css selector", f"[name='{name}']")
            if element.get_attribute("type") in ("radio", "checkbox"):
                self.driver.find_element("css selector", f"[name='{name}'][value='{value}']").click()
            elif element.tag_name == "select":
                Select(element).select_by_value(value)
            else:
                element.clear()
                element.send_keys(value)

    def submit(self, form: str = "main form", dialog: bool = False, **fields: str) -> None:
        """Fill the fields and press the form's submit button (and OK in the page's confirm dialog, with `dialog`);
        wait until the next page is there."""
        self.fill(**fields)
        self._leave(self.driver.find_element("css selector", f"{form} button[type=submit]"), dialog)

    def send(self, form: str, grows: str, **fields: str) -> bool:
        """Fill the fields and press the button of a form the page's script posts in the background; wait until the
        page shows more elements `grows` than before. True when the page was changed in place, not loaded anew."""
        from selenium.webdriver.support.ui import WebDriverWait

        before = len(self.find(grows))
        self.driver.execute_script("window.stayed = true")
        self.fill(**fields)
        self.driver.find_element("css selector", f"{form} button[type=submit]").click()
        WebDriverWait(self.driver, PAGE_LOAD_S).until(lambda _driver: len(self.find(grows)) > before)
        return self.driver.execute_script("return window.stayed === true")

    def click(self, text: str) -> None:
        """Follow the link with this text; wait until the next page is there."""
        self._leave(self.driver.find_element("partial link text", text))

    def _leave(self, element, dialog: bool = False) -> None:
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.driver.find_element("tag name", "html")
        element.click()
        if dialog:
            WebDriverWait(self.driver, PAGE_LOAD_S).until(expected_conditions.alert_is_present()).accept()

        def gone(_driver) -> bool:  # the old page's root is stale, or Chromium already dropped its node mid-check
            try:
                return expected_conditions.staleness_of(old)(_driver)
            except WebDriverException:
                return True

        WebDriverWait(self.driver, PAGE_LOAD_S).until(gone)
        WebDriverWait(self.driver, PAGE_LOAD_S).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete")

    def person(self, login: str, **fields: str) -> None:
        """Sign in at the login page `login` as someone new (the last person's cookies gone)."""
        self.driver.delete_all_cookies()
        self.open(login)
        self.submit(**fields)

    def shot(self, name: str) -> Path:
        """A PNG of the whole page (not only the window), numbered in the order taken."""
        self.count += 1
        width = self.driver.execute_script("return document.documentElement.clientWidth")
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})["data"]
        path = self.shots / f"{self.count:02d}-{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self) -> list[str]:
        """The page printed (A4, as a browser's print dialog would), as the text of each sheet without white space
        (the PDF's text comes back with CJK radicals for some characters and spaces between scripts: normalised)."""
        from pypdf import PdfReader

        data = self.driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})["data"]
        return [re.sub(r"\s+", "", unicodedata.normalize("NFKC", page.extract_text()))
                for page in PdfReader(io.BytesIO(base64.b64decode(data))).pages]
