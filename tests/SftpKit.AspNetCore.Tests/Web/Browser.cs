using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using SftpKit.Tests;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>
/// A headless Chromium driven through chromedriver (Selenium.WebDriver), for the web pages' browser tests: Debian's
/// <c>/usr/bin/chromium</c> and <c>/usr/bin/chromedriver</c> (installed by scripts/test.sh; nothing is downloaded).
/// Without them the test is a counted skip, or a failure under CI=true (<see cref="Requires"/>). Every
/// <see cref="Screenshot"/> lands in <c>TestResults/screenshots/</c> under the test output directory. Waits poll a
/// condition with a deadline; there are no fixed sleeps.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private const string HowToGet = "install Debian's chromium and chromium-driver packages (scripts/test.sh does)";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly string _profile;
    private readonly string _name;
    private int _shots;

    private Browser(ChromeDriver driver, string profile, string name)
    {
        Driver = driver;
        _profile = profile;
        _name = name;
    }

    public IWebDriver Driver { get; }

    /// <summary>Where the screenshots go.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Starts a fresh browser (its own empty profile: no cookies); <paramref name="name"/> prefixes its screenshots.</summary>
    public static Browser Start(string name, int width = 1280, int height = 900)
    {
        string chromium = Requires.Tool(File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "chromium", HowToGet);
        string chromedriver = Requires.Tool(File.Exists("/usr/bin/chromedriver") ? "/usr/bin/chromedriver" : "chromedriver", HowToGet);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        string profile = Path.Combine(Path.GetTempPath(), "sftpkit-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--password-store=basic", $"--window-size={width},{height}",
            "--user-data-dir=" + profile);
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
        return new Browser(driver, profile, name);
    }

    /// <summary>Makes the pages see <c>prefers-color-scheme: dark</c> (Chrome DevTools' media emulation).</summary>
    public void UseDarkColorScheme() =>
        ((ChromeDriver)Driver).ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object?>
        {
            ["features"] = new[] { new Dictionary<string, object> { ["name"] = "prefers-color-scheme", ["value"] = "dark" } },
        });

    /// <summary>Runs a script in the page and returns its value.</summary>
    public object? Script(string script) => ((IJavaScriptExecutor)Driver).ExecuteScript(script);

    /// <summary>Opens <paramref name="url"/> and waits for the page to load.</summary>
    public void Go(Uri url)
    {
        Driver.Navigate().GoToUrl(url);
        WaitLoaded();
    }

    /// <summary>The element, waiting up to 20 s for it to appear.</summary>
    public IWebElement Find(By by) => new WebDriverWait(Driver, s_wait).Until(d =>
    {
        var found = d.FindElements(by);
        return found.Count > 0 ? found[0] : null;
    })!;

    /// <summary>True when the element exists now (no wait).</summary>
    public bool Exists(By by) => Driver.FindElements(by).Count > 0;

    /// <summary>Types into a field after clearing it.</summary>
    public void Fill(By by, string text)
    {
        var e = Find(by);
        e.Clear();
        e.SendKeys(text);
    }

    /// <summary>Clicks and waits for the next page (a submit that navigates).</summary>
    public void ClickAndWait(By by)
    {
        var element = Find(by);
        var html = Driver.FindElement(By.TagName("html"));
        element.Click();
        new WebDriverWait(Driver, s_wait).Until(d =>
        {
            try
            {
                _ = html.Enabled; // throws once the old page is gone
                return false;
            }
            catch (StaleElementReferenceException)
            {
                return true;
            }
            catch (WebDriverException ex) when (ex.Message.Contains("does not belong to the document", StringComparison.Ordinal))
            {
                // Chromium's driver reports a node of the page being replaced this way in a narrow window of the navigation.
                return true;
            }
        });
        WaitLoaded();
    }

    /// <summary>Waits until <paramref name="condition"/> holds (20 s), reloading the page between tries when <paramref name="reload"/>.</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, bool reload = false)
    {
        new WebDriverWait(Driver, s_wait) { PollingInterval = TimeSpan.FromMilliseconds(200) }.Until(d =>
        {
            if (condition(d))
            {
                return true;
            }
            if (reload)
            {
                d.Navigate().Refresh();
                WaitLoaded();
            }
            return false;
        });
    }

    /// <summary>Saves a PNG of the page as <c>NAME-NN-step.png</c> under <see cref="ScreenshotDirectory"/>; returns its path.</summary>
    public string Screenshot(string step)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        string file = Path.Combine(ScreenshotDirectory, $"{Safe(_name)}-{++_shots:00}-{Safe(step)}.png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(file);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private void WaitLoaded() => new WebDriverWait(Driver, s_wait).Until(d =>
        ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") is "complete");

    private static string Safe(string s) => UnsafeChars().Replace(s, "_");

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex UnsafeChars();
}
