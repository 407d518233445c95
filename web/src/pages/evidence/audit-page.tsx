import { useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, saveBlob } from "../../api/client.ts";
import { type Formatter, useFormat } from "../../i18n/format.ts";
import { useSession } from "../../session/session.ts";
import { Badge, Button, CheckboxField, Loading, SelectField, TextField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { usePaged } from "../../ui/use-load.ts";
import {
  type AuditQuery,
  type AuditSearchDraft,
  actorOf,
  defaultDraft,
  draftFromSearch,
  exportFileName,
  exportPageLimit,
  exportPageSize,
  isProblemEntry,
  joinExportPages,
  type NamedProblem,
  namedProblem,
  resourcesText,
  searchForProblem,
  toQuery,
  unchainedOf,
} from "./audit-model.ts";
import { type AuditTexts, auditTexts } from "./audit-texts.ts";
import type { AuditEntry, Tenant, VerifyAnswer } from "./responses.ts";
import "./evidence.css";

const platformTrail = "platform";
const tenantIdPattern = /^t-[0-9a-z]{12}$/;
const tenantStatuses = ["active", "suspended", "exiting", "pending", "rejected"] as const;
type TenantStatus = (typeof tenantStatuses)[number];

/** Which trail a platform auditor reviews: the platform's own, or a unit's (by id, or picked from a list). */
interface TrailChoice {
  kind: "platform" | "unit";
  unitId: string;
  status: TenantStatus;
}

/**
 * The platform auditor's trail: the platform's own, or a unit's. Units are listed by status (GET
 * /tenants lists one status at a time), 100 at a time; the id can also be typed or pasted.
 */
function TrailPicker(props: {
  t: AuditTexts;
  choice: TrailChoice;
  onChoice: (choice: TrailChoice) => void;
  missing: boolean;
}) {
  const { t, choice } = props;
  const tenants = usePaged(
    (cursor) =>
      choice.kind === "unit"
        ? api.get("/tenants", { query: { status: choice.status, cursor, limit: 100 } })
        : Promise.resolve({ items: [] as Tenant[] }),
    [choice.kind, choice.status],
  );
  const set = (change: Partial<TrailChoice>) => props.onChoice({ ...choice, ...change });
  const listed = tenants.items.some((tenant) => tenant.tenantId === choice.unitId.trim());
  return (
    <div class="section ev-trail">
      <div class="ev-trail-grid">
        <SelectField
          label={t.trail}
          hint={t.trailHint}
          value={choice.kind}
          onValue={(kind) => set({ kind })}
          options={[
            { value: "platform", label: t.trailPlatform },
            { value: "unit", label: t.trailUnit },
          ]}
        />
        {choice.kind === "unit" ? (
          <>
            <SelectField
              label={t.unitStatus}
              value={choice.status}
              onValue={(status) => set({ status })}
              options={tenantStatuses.map((status) => ({ value: status, label: t.tenantStatus(status) }))}
            />
            <SelectField
              label={t.unitPick}
              hint={tenants.loading ? t.loading : t.unitPickHint(tenants.items.length, tenants.hasMore)}
              value={listed ? choice.unitId.trim() : ""}
              onValue={(unitId) => set({ unitId })}
              options={[
                { value: "", label: t.unitPickNone },
                ...tenants.items.map((tenant) => ({
                  value: tenant.tenantId,
                  label: `${tenant.name}（${tenant.tenantId}）`,
                })),
              ]}
            />
            <TextField
              label={t.unitId}
              hint={t.unitIdHint}
              value={choice.unitId}
              maxLength={64}
              onValue={(unitId) => set({ unitId })}
              error={props.missing ? t.unitIdInvalid : undefined}
            />
          </>
        ) : null}
      </div>
      {choice.kind === "unit" && tenants.hasMore ? (
        <Button onClick={tenants.more} busy={tenants.loading}>
          {t.moreUnits}
        </Button>
      ) : null}
      {tenants.error ? <ErrorNotice error={tenants.error} onRetry={tenants.reload} /> : null}
    </div>
  );
}
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The trail's query parameter. The route takes `tenantId` (its declaration, tenant: "trail"), but the
 * OpenAPI document does not list it among the lookup's parameters: it is added here, untyped.
 */
const withTrail = <Q extends object>(query: Q, trail: string | undefined): Q =>
  (trail ? { ...query, tenantId: trail } : query) as Q;

export function AuditPage() {
  const t = auditTexts.use();
  const session = useSession();
  const platform = session?.roles.includes("platform-auditor") ?? false;
  const [trail, setTrail] = useState<TrailChoice>({ kind: "platform", unitId: "", status: "active" });
  // A platform auditor's trail: the platform's own, or the unit whose id is chosen (no unit yet: nothing).
  const unitId = trail.unitId.trim();
  const trailParam = !platform ? undefined : trail.kind === "platform" ? platformTrail : unitId || undefined;
  const trailMissing = platform && trail.kind === "unit" && !tenantIdPattern.test(unitId);
  const trailName = platform ? (trailParam ?? "unit") : (session?.tenantId ?? "unit");

  // A link may carry a search (/audit?resourceId=s-…&eventName=PutPolicy&from=…): it fills the form.
  const location = useLocation();
  const [initial] = useState(() => draftFromSearch(location.query, defaultDraft()));
  const [draft, setDraft] = useState<AuditSearchDraft>(initial);
  const [submitted, setSubmitted] = useState<{ query: AuditQuery; key: number }>(() => {
    const first = toQuery(initial);
    return { query: "query" in first ? first.query : { from: new Date().toISOString() }, key: 0 };
  });
  const [rangeError, setRangeError] = useState<{ field: "from" | "to"; text: string }>();
  const [problem, setProblem] = useState<{ problem: NamedProblem; note: string }>();
  const [detail, setDetail] = useState<AuditEntry>();
  const results = useRef<HTMLDivElement>(null);

  const list = usePaged(
    (cursor) =>
      trailMissing
        ? Promise.resolve({ items: [] })
        : api.get("/audit/events", {
            query: withTrail({ ...submitted.query, cursor, limit: 100 }, trailParam),
          }),
    [submitted, trailParam, trailMissing],
  );

  const search = (next: AuditSearchDraft = draft, keepProblem = false) => {
    const answer = toQuery(next);
    if ("problem" in answer) {
      setRangeError({ field: answer.field, text: t.rangeProblem(answer.problem) });
      return;
    }
    setRangeError(undefined);
    if (!keepProblem) setProblem(undefined);
    setSubmitted((previous) => ({ query: answer.query, key: previous.key + 1 }));
  };

  const showProblem = (found: NamedProblem) => {
    const next = searchForProblem(found);
    setDraft(next);
    setProblem({ problem: found, note: found.eventTime ? t.problemSearchNote : t.problemNoTime });
    search(next, true);
    results.current?.scrollIntoView({ block: "start" });
  };

  const update = (change: Partial<AuditSearchDraft>) => setDraft((previous) => ({ ...previous, ...change }));
  return (
    <section class="page ev-page" data-testid="audit-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{platform ? t.introPlatform : t.intro}</p>
        </div>
      </header>

      {platform ? (
        <TrailPicker
          t={t}
          choice={trail}
          onChoice={(choice) => {
            setTrail(choice);
            setProblem(undefined);
          }}
          missing={trailMissing && unitId !== ""}
        />
      ) : null}

      <form
        class="section ev-search"
        aria-labelledby="ev-search-title"
        onSubmit={(event) => {
          event.preventDefault();
          search();
        }}
      >
        <h2 id="ev-search-title">{t.searchTitle}</h2>
        <p class="field-hint">{t.timeZone(browserTimeZone())}</p>
        <div class="ev-search-grid">
          <TextField
            type="datetime-local"
            step="1"
            label={t.from}
            value={draft.from}
            onValue={(from) => update({ from })}
            error={rangeError?.field === "from" ? rangeError.text : undefined}
          />
          <TextField
            type="datetime-local"
            step="1"
            label={t.to}
            hint={t.toHint}
            value={draft.to}
            onValue={(to) => update({ to })}
            error={rangeError?.field === "to" ? rangeError.text : undefined}
          />
          <TextField
            label={t.eventName}
            hint={t.eventNameHint}
            value={draft.eventName}
            maxLength={100}
            onValue={(eventName) => update({ eventName })}
          />
          <TextField
            label={t.userId}
            hint={t.userIdHint}
            value={draft.userId}
            maxLength={200}
            onValue={(userId) => update({ userId })}
          />
          <TextField
            label={t.resourceId}
            hint={t.resourceIdHint}
            value={draft.resourceId}
            maxLength={512}
            onValue={(resourceId) => update({ resourceId })}
          />
          <SelectField
            label={t.readOnly}
            value={draft.readOnly}
            onValue={(readOnly) => update({ readOnly })}
            options={[
              { value: "any", label: t.readOnlyAny },
              { value: "true", label: t.readOnlyTrue },
              { value: "false", label: t.readOnlyFalse },
            ]}
          />
        </div>
        <div class="ev-search-actions">
          <CheckboxField
            label={t.errorsOnly}
            checked={draft.errorsOnly}
            onChecked={(errorsOnly) => update({ errorsOnly })}
          />
          <Button type="submit" variant="primary" busy={list.loading}>
            {t.search}
          </Button>
          <Button
            onClick={() => {
              const fresh = defaultDraft();
              setDraft(fresh);
              search(fresh);
            }}
          >
            {t.reset}
          </Button>
        </div>
      </form>

      <div class="section" ref={results}>
        {problem ? <Notice tone="warn">{problem.note}</Notice> : null}
        {trailMissing ? <Notice tone="info">{t.chooseUnit}</Notice> : null}
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <Results
          t={t}
          items={list.items}
          problem={problem?.problem}
          onDetail={setDetail}
          loading={list.loading}
        />
        <p class="ev-count" role="status">
          {list.loading ? t.loading : t.shown(list.items.length, list.hasMore)}
        </p>
        {list.hasMore ? (
          <Button onClick={list.more} busy={list.loading}>
            {t.more}
          </Button>
        ) : null}
      </div>

      <div class="grid-2">
        <ExportSection
          t={t}
          query={submitted.query}
          trail={trailParam}
          trailName={trailName}
          disabled={trailMissing}
        />
        <VerifySection t={t} trail={trailParam} onShow={showProblem} disabled={trailMissing} />
      </div>

      <Dialog
        title={detail ? t.detailOf(detail.event.eventName) : ""}
        open={detail !== undefined}
        onClose={() => setDetail(undefined)}
      >
        {detail ? <EventDetail t={t} entry={detail} /> : null}
        <div class="dialog-actions">
          <Button variant="primary" onClick={() => setDetail(undefined)}>
            {t.close}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

function StateBadge(props: { t: AuditTexts; entry: AuditEntry }) {
  const { t, entry } = props;
  return entry.state === "chained" ? (
    <Badge tone="ok">{t.chained(entry.sequence)}</Badge>
  ) : (
    <span title={t.pendingHint}>
      <Badge tone="warn">{t.pending}</Badge>
    </span>
  );
}

function Results(props: {
  t: AuditTexts;
  items: readonly AuditEntry[];
  problem: NamedProblem | undefined;
  loading: boolean;
  onDetail: (entry: AuditEntry) => void;
}) {
  const { t } = props;
  const format = useFormat();
  const rows = props.items;
  return (
    <div class="ev-results">
      <DataTable
        caption={t.resultsCaption}
        rows={rows}
        rowKey={(entry) => entry.event.eventID}
        empty={props.loading ? <Loading label={t.loading} /> : t.empty}
        columns={[
          {
            key: "time",
            header: t.colTime,
            cell: (entry) => <span class="nowrap">{format.dateTime(entry.event.eventTime)}</span>,
          },
          {
            key: "event",
            header: t.colEvent,
            cell: (entry) => (
              <span class={isProblemEntry(entry, props.problem) ? "ev-flagged" : undefined}>
                <strong>{entry.event.eventName}</strong>
                <br />
                <span class="ev-muted">{entry.event.eventSource}</span>
                {isProblemEntry(entry, props.problem) ? (
                  <>
                    <br />
                    <Badge tone="bad">{t.highlighted}</Badge>
                  </>
                ) : null}
              </span>
            ),
          },
          {
            key: "user",
            header: t.colUser,
            cell: (entry) => {
              const actor = actorOf(entry);
              return (
                <span>
                  <code>{actor.principal}</code>
                  {actor.role ? (
                    <>
                      <br />
                      <span class="ev-muted">{actor.role}</span>
                    </>
                  ) : null}
                </span>
              );
            },
          },
          { key: "ip", header: t.colIp, cell: (entry) => entry.event.sourceIPAddress || "—" },
          {
            key: "resource",
            header: t.colResource,
            cell: (entry) => {
              const resources = resourcesText(entry);
              return resources.length === 0 ? "—" : <span class="ev-resources">{resources.join(" ")}</span>;
            },
          },
          {
            key: "error",
            header: t.colError,
            cell: (entry) =>
              entry.event.errorCode ? <Badge tone="bad">{entry.event.errorCode}</Badge> : "—",
          },
          { key: "state", header: t.colState, cell: (entry) => <StateBadge t={t} entry={entry} /> },
          {
            key: "actions",
            header: <span class="visually-hidden">{t.colActions}</span>,
            cell: (entry) => (
              <Button
                variant="link"
                onClick={() => props.onDetail(entry)}
                aria-label={`${t.detail}: ${entry.event.eventName} ${format.dateTime(entry.event.eventTime)}`}
              >
                {t.detail}
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

function EventDetail(props: { t: AuditTexts; entry: AuditEntry }) {
  const { t, entry } = props;
  const format = useFormat();
  const e = entry.event;
  return (
    <div class="ev-detail" data-testid="audit-detail">
      <dl class="facts">
        <dt>{t.fieldEventId}</dt>
        <dd>
          <code>{e.eventID}</code>
        </dd>
        <dt>{t.fieldTime}</dt>
        <dd>{format.dateTime(e.eventTime)}</dd>
        <dt>{t.fieldName}</dt>
        <dd>{e.eventName}</dd>
        <dt>{t.fieldSource}</dt>
        <dd>{e.eventSource}</dd>
        <dt>{t.fieldCategory}</dt>
        <dd>{e.eventCategory}</dd>
        <dt>{t.fieldReadOnly}</dt>
        <dd>{e.readOnly ? t.readOnlyYes : t.readOnlyNo}</dd>
        <dt>{t.fieldUser}</dt>
        <dd>
          <code>{e.userIdentity.principalId}</code>
          {e.userIdentity.userName ? ` (${e.userIdentity.userName})` : ""}
        </dd>
        <dt>{t.fieldUserType}</dt>
        <dd>{e.userIdentity.type}</dd>
        <dt>{t.fieldUserTenant}</dt>
        <dd>
          <code>{e.userIdentity.tenantId}</code>
        </dd>
        <dt>{t.fieldRole}</dt>
        <dd>{e.userIdentity.role ?? t.none}</dd>
        <dt>{t.fieldIp}</dt>
        <dd>{e.sourceIPAddress || t.none}</dd>
        <dt>{t.fieldAgent}</dt>
        <dd class="ev-break">{e.userAgent || t.none}</dd>
        <dt>{t.fieldRegion}</dt>
        <dd>{e.awsRegion}</dd>
        <dt>{t.fieldRequestId}</dt>
        <dd>
          <code>{e.requestID}</code>
        </dd>
        <dt>{t.fieldResources}</dt>
        <dd>{resourcesText(entry).join(" ") || t.none}</dd>
        <dt>{t.fieldError}</dt>
        <dd>{e.errorCode ? `${e.errorCode}${e.errorMessage ? `: ${e.errorMessage}` : ""}` : t.none}</dd>
      </dl>
      <h3>{t.fieldRequest}</h3>
      <pre class="block ev-json">{e.requestParameters ? json(e.requestParameters) : t.none}</pre>
      <h3>{t.fieldResponse}</h3>
      <pre class="block ev-json">{e.responseElements ? json(e.responseElements) : t.none}</pre>
      {e.additionalEventData ? (
        <>
          <h3>{t.fieldExtra}</h3>
          <pre class="block ev-json">{json(e.additionalEventData)}</pre>
        </>
      ) : null}
      <h3>{t.chainTitle}</h3>
      <dl class="facts">
        <dt>{t.fieldState}</dt>
        <dd>
          <StateBadge t={t} entry={entry} />
        </dd>
        <dt>{t.fieldTrail}</dt>
        <dd>
          <code>{entry.tenantId}</code>
        </dd>
        {entry.state === "chained" ? (
          <>
            <dt>{t.fieldSequence}</dt>
            <dd>{entry.sequence}</dd>
            <dt>{t.fieldPrevious}</dt>
            <dd>
              <code>{entry.previousHash}</code>
            </dd>
            <dt>{t.fieldHash}</dt>
            <dd>
              <code>{entry.hash}</code>
            </dd>
          </>
        ) : (
          <>
            <dt>{t.fieldSequence}</dt>
            <dd>{t.notChainedYet}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

function ExportSection(props: {
  t: AuditTexts;
  query: AuditQuery;
  trail: string | undefined;
  trailName: string;
  disabled: boolean;
}) {
  const { t } = props;
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "running"; format: "jsonl" | "csv"; count: number }
    | { kind: "done"; count: number; name: string; capped: boolean }
    | { kind: "failed"; error: unknown }
  >({ kind: "idle" });

  const run = async (format: "jsonl" | "csv") => {
    // The end is fixed when the export starts, so every page reads the same range.
    const now = new Date();
    const query: AuditQuery = { ...props.query, to: props.query.to ?? now.toISOString() };
    setState({ kind: "running", format, count: 0 });
    try {
      const pages: string[] = [];
      let cursor: string | undefined;
      let count = 0;
      let capped = false;
      for (let page = 0; ; page++) {
        if (page === exportPageLimit) {
          capped = true;
          break;
        }
        const paged = { ...query, limit: exportPageSize, ...(cursor ? { cursor } : {}) };
        // The export answers one page (its records) and no cursor; the lookup with the same query
        // and cursor gives the next one. `format` is the route's, missing from its OpenAPI parameters.
        const [file, listed] = await Promise.all([
          api.blob("/audit/export", { query: withTrail({ ...paged, format }, props.trail) }),
          api.get("/audit/events", { query: withTrail(paged, props.trail) }),
        ]);
        pages.push(await file.text());
        count += listed.items.length;
        setState({ kind: "running", format, count });
        cursor = listed.nextCursor;
        if (!cursor) break;
      }
      const name = exportFileName(props.trailName, query, format, now);
      const type = format === "csv" ? "text/csv;charset=utf-8" : "application/x-ndjson;charset=utf-8";
      saveBlob(new Blob([joinExportPages(format, pages)], { type }), name);
      setState({ kind: "done", count, name, capped });
    } catch (error) {
      setState({ kind: "failed", error });
    }
  };

  const running = state.kind === "running";
  return (
    <div class="section ev-export">
      <h2>{t.exportTitle}</h2>
      <p class="ev-muted">{t.exportText}</p>
      <div class="section-actions">
        <Button
          onClick={() => void run("jsonl")}
          busy={running && state.format === "jsonl"}
          disabled={running}
        >
          {t.exportJsonl}
        </Button>
        <Button
          onClick={() => void run("csv")}
          busy={running && state.format === "csv"}
          disabled={running || props.disabled}
        >
          {t.exportCsv}
        </Button>
      </div>
      <div role="status" class="ev-status">
        {state.kind === "running" ? t.exporting(state.count) : null}
        {state.kind === "done" ? (
          <>
            <p>{t.exported(state.count, state.name)}</p>
            {state.capped ? <p class="ev-warn">{t.exportCapped(state.count)}</p> : null}
          </>
        ) : null}
      </div>
      {state.kind === "failed" ? <ErrorNotice error={state.error} /> : null}
    </div>
  );
}

function VerifySection(props: {
  t: AuditTexts;
  trail: string | undefined;
  onShow: (problem: NamedProblem) => void;
  disabled: boolean;
}) {
  const { t } = props;
  const format = useFormat();
  const [source, setSource] = useState<"index" | "archive">("index");
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "running" }
    | { kind: "done"; answer: VerifyAnswer; at: Date }
    | { kind: "failed"; error: unknown }
  >({ kind: "idle" });
  const run = async () => {
    setState({ kind: "running" });
    try {
      const answer = (await api.get("/audit/verify", {
        query: { source, ...(props.trail ? { tenantId: props.trail } : {}) },
      })) as VerifyAnswer;
      setState({ kind: "done", answer, at: new Date() });
    } catch (error) {
      setState({ kind: "failed", error });
    }
  };
  return (
    <div class="section ev-verify" data-testid="audit-verify">
      <h2>{t.verifyTitle}</h2>
      <p class="ev-muted">{t.verifyText}</p>
      <div class="ev-verify-form">
        <SelectField
          label={t.verifySource}
          value={source}
          onValue={setSource}
          options={[
            { value: "index", label: t.sourceIndex },
            { value: "archive", label: t.sourceArchive },
          ]}
        />
        <Button
          variant="primary"
          onClick={() => void run()}
          busy={state.kind === "running"}
          disabled={props.disabled}
        >
          {t.verify}
        </Button>
      </div>
      <div role="status" class="ev-status">
        {state.kind === "running" ? t.verifying : null}
        {state.kind === "done" ? (
          <VerifyResult t={t} answer={state.answer} at={state.at} format={format} onShow={props.onShow} />
        ) : null}
      </div>
      {state.kind === "failed" ? <ErrorNotice error={state.error} onRetry={() => void run()} /> : null}
    </div>
  );
}

function VerifyResult(props: {
  t: AuditTexts;
  answer: VerifyAnswer;
  at: Date;
  format: Formatter;
  onShow: (problem: NamedProblem) => void;
}) {
  const { t, answer, format } = props;
  const problem = useMemo(() => namedProblem(answer), [answer]);
  const unchained = unchainedOf(answer);
  return (
    <div class={`ev-verdict ${answer.ok ? "ev-verdict-ok" : "ev-verdict-bad"}`} data-testid="verify-result">
      <p class="ev-verdict-title">
        <Badge tone={answer.ok ? "ok" : "bad"}>{answer.ok ? t.ok : t.broken}</Badge>
      </p>
      <dl class="facts">
        <dt>{t.checked}</dt>
        <dd data-testid="verify-checked">{format.number(answer.checked)}</dd>
        {unchained ? (
          <>
            <dt>{t.unchained}</dt>
            <dd>{format.number(unchained.count)}</dd>
            <dt>{t.overdue}</dt>
            <dd>{format.number(unchained.overdue)}</dd>
          </>
        ) : null}
        {answer.source === "archive" ? (
          <>
            <dt>{t.archivedThrough}</dt>
            <dd>{format.number(answer.archivedThrough)}</dd>
          </>
        ) : answer.head ? (
          <>
            <dt>{t.head}</dt>
            <dd>{format.number(answer.head.sequence)}</dd>
          </>
        ) : null}
      </dl>
      {problem ? (
        <div class="ev-problem" data-testid="first-problem">
          <h3>{t.firstProblem}</h3>
          <p>
            <strong>{t.problemKind(problem.kind)}</strong>
          </p>
          <dl class="facts">
            <dt>{t.problemSequence}</dt>
            <dd>{problem.sequence}</dd>
            {problem.eventID ? (
              <>
                <dt>{t.problemEvent}</dt>
                <dd>
                  <code>{problem.eventID}</code>
                </dd>
              </>
            ) : null}
            {problem.eventTime ? (
              <>
                <dt>{t.problemTime}</dt>
                <dd>{format.dateTime(problem.eventTime)}</dd>
              </>
            ) : null}
            {problem.archiveKey ? (
              <>
                <dt>{t.problemArchive}</dt>
                <dd>
                  <code>{problem.archiveKey}</code>
                </dd>
              </>
            ) : null}
            {problem.tenantId ? (
              <>
                <dt>{t.problemTenant}</dt>
                <dd>
                  <code>{problem.tenantId}</code>
                </dd>
              </>
            ) : null}
            {problem.overdue !== undefined ? (
              <>
                <dt>{t.problemOverdue}</dt>
                <dd>{problem.overdue}</dd>
              </>
            ) : null}
          </dl>
          {problem.archiveKey ? null : (
            <Button onClick={() => props.onShow(problem)}>{t.showInSearch}</Button>
          )}
        </div>
      ) : null}
      <p class="ev-muted">{t.verifiedAt(format.dateTime(props.at))}</p>
    </div>
  );
}
