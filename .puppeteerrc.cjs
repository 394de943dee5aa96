// mermaid-cli drives Debian's chromium; puppeteer must never download a browser of its own.
module.exports = { skipDownload: true, executablePath: "/usr/bin/chromium" };
