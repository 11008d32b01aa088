"""The dashboard in a real browser (Chromium through Selenium), as a producer, a Creative
Director and a client use it. Run by Tests/KijkoServerTests/DashboardBrowserTests.swift:

    dashboard_test.py URL TOKENS_JSON KIJKO DB SCREENSHOTS

Exits 0 when every step held; otherwise prints the step that failed and exits 1.
"""
import json, subprocess, sys, time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

url, tokens, kijko, db, shots = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

options = webdriver.ChromeOptions()
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
# The job page swaps its live part in as events come: an element read a moment ago may be gone.
wait = WebDriverWait(driver, 60, poll_frequency=0.2, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException])


def by(testid):
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def read(testid, attribute=None):
    """An element's text (or attribute), read again if the live part was swapped under it."""
    for _ in range(50):
        try:
            element = by(testid)
            return element.text if attribute is None else element.get_attribute(attribute)
        except StaleElementReferenceException:
            time.sleep(0.1)
    raise AssertionError(f"{testid} kept changing under the reader")


def shot(name):
    driver.save_screenshot(f"{shots}/{name}.png")


def sign_in(who):
    driver.delete_all_cookies()
    driver.get(url + "/login")
    by("token").send_keys(tokens[who])
    by("login").click()
    wait.until(lambda d: "/login" not in d.current_url)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


try:
    # A producer starts an advertising job from its card.
    sign_in("pam")
    shot("workflows")
    by("workflow-advertising").click()
    wait.until(lambda d: "/start/advertising" in d.current_url)
    shot("start")
    by("brief").send_keys("A 30-second spot for Pedal Post, bicycle couriers in Lisbon. Upbeat. Budget EUR 20,000.")
    by("start").click()
    wait.until(lambda d: "/jobs/" in d.current_url)
    job = driver.current_url.rstrip("/").split("/")[-1]
    # The page is not reloaded: the step completes and the job waits, live, through its events.
    driver.execute_script("window.kijkoMarker = 1")
    wait.until(lambda d: read("job-state") == "waiting")
    wait.until(lambda d: read("step-brief_intake", "data-status") == "completed")
    check(driver.execute_script("return window.kijkoMarker") == 1, "the job page reloaded instead of following events")
    shot("job-waiting")
    driver.set_window_size(390, 844)
    shot("job-phone")
    driver.set_window_size(1280, 1000)

    # The Creative Director rejects the brief with feedback, sees the revision, approves it.
    sign_in("cleo")
    driver.get(url + "/approvals")
    first = driver.find_element(By.CSS_SELECTOR, '[data-testid^="approval-"]')
    first_id = first.get_attribute("data-testid")[len("approval-"):]
    shot("approvals")
    first.click()
    by("feedback").send_keys("Name the client Pedal Post, not Lisbon.")
    by("reject").click()
    wait.until(lambda d: by("approval-status").text == "rejected")
    shot("approval-rejected")

    def revision(d):
        d.get(url + "/approvals")
        cards = [c for c in d.find_elements(By.CSS_SELECTOR, '[data-testid^="approval-"]')
                 if c.get_attribute("data-testid") != f"approval-{first_id}"]
        return cards[0] if cards else None
    wait.until(revision)
    revision(driver).click()
    check(by("previous-feedback").text.endswith("Name the client Pedal Post, not Lisbon."), "the revision does not show the feedback")
    shot("approval-revision")
    by("approve").click()
    wait.until(lambda d: by("approval-status").text == "approved")

    # On to the next gate: the concept review waits for the Creative Director.
    driver.get(url + f"/jobs/{job}")
    wait.until(lambda d: read("step-concept_review", "data-status") == "awaiting_approval")
    wait.until(lambda d: read("job-state") == "waiting")
    shot("job-next-gate")
    driver.get(url + "/metrics")
    shot("metrics")

    # A client added to the job cannot see the Creative Director's approval.
    subprocess.run([kijko, "users", "grant", "carl", job, "--db", db], check=True, capture_output=True)
    sign_in("carl")
    driver.get(url + f"/jobs/{job}")
    check(read("job-state") == "waiting", "the client cannot see a job they were added to")
    driver.get(url + "/approvals")
    check(not driver.find_elements(By.CSS_SELECTOR, '[data-testid^="approval-"]'), "the client's inbox shows the Creative Director's approvals")
    driver.get(url + f"/approvals/{first_id}")
    check("403" in driver.find_element(By.TAG_NAME, "h1").text, "the client opened the Creative Director's approval")
    shot("client-forbidden")
    # A social job from a master: the versions play in place, with the safe zones over them.
    sign_in("pam")
    driver.get(url + "/start/social")
    by("brief").send_keys("Launch Pedal Post's same-hour delivery on TikTok and Instagram.")
    by("master").send_keys("master.mp4")
    by("start").click()
    wait.until(lambda d: "/jobs/" in d.current_url)
    # The versions render at a lower priority than the server's requests: on a busy machine (the
    # whole test suite beside it) that takes minutes, so this wait is long; it ends as soon as the job waits.
    WebDriverWait(driver, 900, poll_frequency=0.5, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException]) \
        .until(lambda d: read("job-state") == "waiting")
    videos = driver.find_elements(By.CSS_SELECTOR, '[data-testid="step-platform_versions"] video')
    check(len(videos) >= 2, f"the versions are not shown as players ({len(videos)})")
    wait.until(lambda d: d.execute_script("return document.querySelector('[data-testid=\"step-platform_versions\"] video').readyState") >= 1)
    check(driver.execute_script("return document.querySelector('[data-testid=\"step-platform_versions\"] video').duration") > 1,
          "the player cannot read the version's length (byte ranges)")
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="step-platform_versions"] input[data-safe]')
    driver.execute_script("arguments[0].scrollIntoView()", box)
    box.click()
    check(driver.find_elements(By.CSS_SELECTOR, '[data-testid="step-platform_versions"] .safe.on'), "the safe zones do not show")
    shot("job-versions")
    print("dashboard: every step held")
except Exception as error:  # one line naming the step, and a picture of where it stood
    shot("failure")
    print(f"dashboard test failed at {driver.current_url}: {type(error).__name__}: {error}")
    sys.exit(1)
finally:
    driver.quit()
