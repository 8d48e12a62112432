"""The SMCC view in a real browser (Debian's headless Chromium): log in to Airflow, open the SMCC
entry, see the seeded tickets, stories, sources and gate results, acknowledge a ticket."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .conftest import UiServer

pytestmark = [pytest.mark.integration]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[object]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1400,1800", "--lang=vi"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def log_in(driver, server: UiServer, user: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(f"{server.url}/smcc/")  # not logged in: sent to Airflow's login page
    field = wait_for(driver, ec.presence_of_element_located((By.NAME, "username")))
    assert "/auth/login" in driver.current_url
    field.send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(user)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, lambda d: d.get_cookie("_token") is not None)


def test_admin_logs_in_sees_the_smcc_view_and_acknowledges_a_ticket(
        ui_server: UiServer, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    log_in(browser, ui_server, "admin")
    # The "SMCC" entry of the Airflow navigation opens the plugin view.
    browser.get(f"{ui_server.url}/")
    entry = wait_for(browser, ec.element_to_be_clickable((By.XPATH, "//*[text()='SMCC']")), 60)
    entry.click()
    frame = wait_for(browser, ec.presence_of_element_located(
        (By.CSS_SELECTOR, "iframe[src*='/smcc/']")), 30)
    browser.switch_to.frame(frame)
    wait_for(browser, ec.presence_of_element_located((By.ID, "tickets")))
    body = browser.find_element(By.TAG_NAME, "body").text
    for heading in ("Phiếu đang mở", "Câu chuyện gần đây", "Nguồn", "Cổng chất lượng", "Còn lại"):
        assert heading in body
    assert all(number in body for number in ui_server.tickets)
    assert "Mất sóng MobiFone diện rộng ở Cầu Giấy" in body          # a story ...
    assert "Mạng MobiFone mất sóng cả tối ở Cầu Giấy" in body         # ... with its mention
    assert "dien-dan-test" in body and "Thành công" in body           # the source's last crawl
    gates = browser.find_elements(By.CSS_SELECTOR, "#gates tr.gate")
    verdicts = sorted(g.find_element(By.CSS_SELECTOR, "td:nth-child(4)").text for g in gates)
    assert verdicts == ["Không đạt", "Đạt"]

    number = ui_server.tickets[0]
    row = browser.find_element(By.CSS_SELECTOR, f"tr.ticket[data-number='{number}']")
    row.find_element(By.CSS_SELECTOR, "button.ack").click()
    result = wait_for(browser, ec.presence_of_element_located((By.ID, "result")))
    assert number in result.text and "Đã tiếp nhận" in result.text
    assert ui_server.ticket_state(number) == "acknowledged"
    assert ui_server.ticket_actor(number, "acknowledged") == "admin"

    browser.find_element(By.LINK_TEXT, "Quay lại bảng điều khiển SMCC").click()
    row = wait_for(browser, ec.presence_of_element_located(
        (By.CSS_SELECTOR, f"tr.ticket[data-number='{number}']")))
    assert row.find_element(By.CSS_SELECTOR, "td.state").text == "Đã tiếp nhận"
    browser.switch_to.default_content()
    browser.save_screenshot(str(ui_server.artifacts / "smcc_ui.png"))


def test_viewer_gets_no_action_buttons(ui_server: UiServer, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    log_in(browser, ui_server, "viewer")
    browser.get(f"{ui_server.url}/smcc/")
    wait_for(browser, ec.presence_of_element_located((By.ID, "tickets")))
    assert browser.find_elements(By.CSS_SELECTOR, "tr.ticket")
    assert browser.find_elements(By.CSS_SELECTOR, "button.ack") == []
