package dev.fleet.test.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** What the harness decides without a browser: skip or fail when Chromium is absent, where the repository is. */
class ConsoleBrowserSetupTest {

    @TempDir
    Path dir;

    @Test
    void abortsWithTheInstallCommandWhenChromiumIsMissing() throws IOException {
        Path driver = executable("chromedriver");

        TestAbortedException aborted = assertThrows(TestAbortedException.class,
                () -> ConsoleBrowser.requireInstalled(dir.resolve("chromium"), driver, false));

        assertThat(aborted.getMessage())
                .contains("Chromium not installed: apt-get install chromium chromium-driver, "
                        + "or run scripts/fleet test which installs it")
                .contains("Chromium (" + dir.resolve("chromium") + ", FLEET_CHROMIUM)")
                .doesNotContain("chromedriver (");
    }

    @Test
    void failsInsteadWhenABrowserIsRequired() throws IOException {
        Path chromium = executable("chromium");

        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> ConsoleBrowser.requireInstalled(chromium, dir.resolve("chromedriver"), true));

        assertThat(failed.getMessage())
                .contains("Chromium not installed")
                .contains("chromedriver (" + dir.resolve("chromedriver") + ", FLEET_CHROMEDRIVER)")
                .contains("FLEET_REQUIRE_BROWSER=true");
    }

    @Test
    void reportsEachTestOfTheClassSkippedWhenChromiumIsMissing() {
        ExtensionContext context = mock(ExtensionContext.class);
        when(context.getDisplayName()).thenReturn("ConsoleBrowserSetupTest (a simulated class without Chromium)");
        ConsoleBrowser browser = new ConsoleBrowser();
        withProperties(Map.of("FLEET_CHROMIUM", dir.resolve("chromium").toString(), "FLEET_REQUIRE_BROWSER", "false"),
                () -> browser.beforeAll(context));

        TestAbortedException first = assertThrows(TestAbortedException.class, () -> browser.beforeEach(context));
        TestAbortedException second = assertThrows(TestAbortedException.class, () -> browser.beforeEach(context));

        assertThat(first.getMessage()).startsWith("Chromium not installed: apt-get install chromium chromium-driver");
        assertThat(second.getMessage()).isEqualTo(first.getMessage());
        browser.afterAll(context);
    }

    @Test
    void failsTheClassWhenABrowserIsRequiredAndMissing() {
        ExtensionContext context = mock(ExtensionContext.class);
        ConsoleBrowser browser = new ConsoleBrowser();

        withProperties(Map.of("FLEET_CHROMIUM", dir.resolve("chromium").toString(), "FLEET_REQUIRE_BROWSER", "true"),
                () -> assertThrows(AssertionFailedError.class, () -> browser.beforeAll(context)));
    }

    @Test
    void acceptsExecutableChromiumAndDriver() throws IOException {
        ConsoleBrowser.requireInstalled(executable("chromium"), executable("chromedriver"), true);
    }

    @Test
    void findsTheRepositoryRootByItsGitEntry() throws IOException {
        Files.writeString(dir.resolve(".git"), "gitdir: /elsewhere\n"); // a worktree's .git is a file
        Path module = Files.createDirectories(dir.resolve("platform/test-support"));
        Files.writeString(module.resolve("pom.xml"),
                "<project><parent><artifactId>fleet</artifactId></parent><artifactId>x</artifactId></project>");

        assertThat(ConsoleBrowser.repositoryRoot(module)).isEqualTo(dir);
    }

    @Test
    void findsTheRepositoryRootByTheParentPomWithoutGit() throws IOException {
        Files.writeString(dir.resolve("pom.xml"),
                "<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent>"
                        + "<artifactId>fleet</artifactId></project>");
        Path module = Files.createDirectories(dir.resolve("platform/test-support"));
        Files.writeString(module.resolve("pom.xml"),
                "<project><parent><artifactId>fleet</artifactId></parent><artifactId>x</artifactId></project>");

        assertThat(ConsoleBrowser.repositoryRoot(module)).isEqualTo(dir);
    }

    @Test
    void screenshotNamesAreFileNameSafe() {
        ConsoleBrowser notStarted = new ConsoleBrowser();

        assertThrows(IllegalArgumentException.class, () -> notStarted.screenshot("../README"));
        assertThrows(IllegalStateException.class, notStarted::driver);
    }

    private static void withProperties(Map<String, String> properties, Runnable action) {
        Map<String, String> previous = new HashMap<>();
        properties.forEach((name, value) -> previous.put(name, System.setProperty(name, value)));
        try {
            action.run();
        } finally {
            previous.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    private Path executable(String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        assertThat(file.toFile().setExecutable(true)).isTrue();
        return file;
    }
}
