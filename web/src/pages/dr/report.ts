import { api, saveBlob } from "../../api/client.ts";

export type ReportFormat = "json" | "html";

/** A drill's report as a Blob (the route needs the session's token, which a plain link cannot send). */
const fetchReport = (systemId: string, drillId: string, format: ReportFormat) =>
  api.blob("/systems/{systemId}/drills/{drillId}/report", { path: { systemId, drillId }, query: { format } });

export const reportFileName = (drillId: string, format: ReportFormat) => `govdr-drill-${drillId}.${format}`;

/** Saves the report as a file. */
export async function downloadReport(systemId: string, drillId: string, format: ReportFormat): Promise<void> {
  saveBlob(await fetchReport(systemId, drillId, format), reportFileName(drillId, format));
}

/**
 * Opens the HTML report in a new tab. The tab is opened at once (within the click, so no pop-up
 * blocker stops it) and shown the report when it has arrived.
 */
export async function openHtmlReport(systemId: string, drillId: string): Promise<void> {
  const tab = window.open("", "_blank");
  // The report page gets no hold on the console's tab.
  if (tab) tab.opener = null;
  try {
    const blob = await fetchReport(systemId, drillId, "html");
    const url = URL.createObjectURL(new Blob([blob], { type: "text/html;charset=utf-8" }));
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}
