package dev.feedloop.labeling.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real headless Chromium through Selenium, from the Debian packages {@code chromium} and
 * {@code chromium-driver} (CI installs them in {@code .ci/run}). Missing, the tests fail with the
 * command that installs them: a browser test that is skipped proves nothing.
 */
final class Chromium {

    static final Path BINARY = Path.of(System.getProperty("feedloop.test.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("feedloop.test.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Chromium() {
    }

    static WebDriver start() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            fail("The browser tests need Chromium and its driver: " + BINARY + " or " + DRIVER + " is missing. "
                    + "Install them with `sudo apt-get install -y chromium chromium-driver` (.ci/run does this on CI).");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves a screenshot of the page under target/screenshots/ and checks that it is a non-empty PNG. */
    static Path screenshot(WebDriver driver, String name) throws IOException {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, png);
        byte[] written = Files.readAllBytes(file);
        assertTrue(written.length > 1000, file + " is only " + written.length + " bytes");
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(written, PNG_MAGIC.length), file + " is not a PNG");
        return file;
    }
}
