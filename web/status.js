// Platform status: asks the API's /health through the console's own origin (/api).
const status = document.getElementById("api-status");

async function check() {
  try {
    const response = await fetch("/api/health", { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    if (body.status !== "ok") throw new Error(`status ${body.status}`);
    status.dataset.state = "ok";
    status.textContent = "API 运行正常 / API is up";
    document.getElementById("api-version").textContent = body.version;
    document.getElementById("api-time").textContent = body.time;
    document.getElementById("api-details").hidden = false;
  } catch (error) {
    status.dataset.state = "down";
    status.textContent = `API 不可用 / API is unreachable (${error.message})`;
  }
}

check();
setInterval(check, 30_000);
