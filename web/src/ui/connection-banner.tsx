import { useEffect, useState } from "preact/hooks";
import { defineMessages } from "../i18n/messages.ts";

const texts = defineMessages({
  zh: { offline: "网络连接已断开。已填写的内容会保留；恢复连接后请重新提交。" },
  en: {
    offline: "The network connection is lost. What you typed is kept; submit again once you are back online.",
  },
});

/** Says at once when the browser goes offline, before a request fails. */
export function ConnectionBanner() {
  const t = texts.use();
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  if (online) return null;
  return (
    <div class="notice notice-warn connection-banner" role="alert">
      {t.offline}
    </div>
  );
}
