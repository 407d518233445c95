import type { ErrorCode } from "../../../shared/error-codes.ts";

/**
 * What the console itself reports, besides the API's codes: NETWORK_UNREACHABLE (the browser could
 * not reach the console server at all), API_UNREACHABLE (the console server answered 502: it could
 * not reach the API) and UNKNOWN (an answer the console does not understand).
 */
export type ConsoleErrorCode = "NETWORK_UNREACHABLE" | "API_UNREACHABLE" | "UNKNOWN";

export interface ErrorText {
  /** What happened, one sentence, no jargon. */
  message: string;
  /** What to do next, one sentence (e.g. "Sign in again; what you typed is kept."). */
  next: string;
}

/** Shared wording, so that errors people should read alike say the same thing. */
const signInAgain = {
  zh: "请重新登录；当前页面和已填写的内容会保留。",
  en: "Sign in again; this page and what you typed are kept.",
};
const reportToOperators = {
  zh: "请稍后重试；如问题持续出现，请将请求编号提供给平台运维人员。",
  en: "Try again later; if it keeps happening, give the request id to the platform's operators.",
};
const operatorsMustLook = {
  zh: "这不是您的操作问题，请将请求编号或任务编号提供给平台运维人员处理。",
  en: "This is not something you did; give the request or job id to the platform's operators.",
};
const reloadKeepsEdit = {
  zh: "请重新加载查看最新内容；您的修改会保留，可在此基础上重新提交。",
  en: "Reload to see the latest version; your edit is kept so you can apply it again.",
};

/** Every error code the API or the console can report, in both languages. */
export const errorMessages: Record<ErrorCode | ConsoleErrorCode, { zh: ErrorText; en: ErrorText }> = {
  // Requests
  VALIDATION_FAILED: {
    zh: {
      message: "提交的内容不完整或格式不正确，平台未予处理。",
      next: "请按标出的字段修改后重新提交；已填写的内容会保留。",
    },
    en: {
      message: "Some of what you submitted is missing or not in the right form, so nothing was done.",
      next: "Correct the marked fields and submit again; what you typed is kept.",
    },
  },
  POLICY_REJECTED: {
    zh: {
      message: "灾备策略达不到该系统的灾备指标或相关标准要求，未予保存或执行。",
      next: "请逐条按列出的不符合项修改灾备策略，再重新提交。",
    },
    en: {
      message:
        "The DR policy does not meet this system's recovery targets or the required rules, so it was not used.",
      next: "Fix each listed finding in the policy, then submit it again.",
    },
  },
  NOT_FOUND: {
    zh: {
      message: "要访问的内容不存在，或不属于您的单位。",
      next: "请返回列表刷新后重新选择；如地址是他人发来的，请与对方核实。",
    },
    en: {
      message: "What you asked for does not exist, or does not belong to your unit.",
      next: "Go back to the list, refresh it and choose again; check any link someone sent you.",
    },
  },
  UNAUTHENTICATED: {
    zh: { message: "会话已过期或已失效。", next: signInAgain.zh },
    en: { message: "Your session has expired or is no longer valid.", next: signInAgain.en },
  },
  INVALID_CREDENTIALS: {
    zh: {
      message: "用户名或密码不正确。",
      next: "请核对后重新输入；连续多次输错会导致账号被锁定。",
    },
    en: {
      message: "The user name or password is wrong.",
      next: "Check them and try again; repeated failures lock the account.",
    },
  },
  ACCOUNT_LOCKED: {
    zh: {
      message: "由于连续多次登录失败，账号已被暂时锁定（默认连续失败 5 次后锁定 30 分钟）。",
      next: "请等待锁定结束后再登录，或请本单位管理员（平台账号请找安全管理员）重置密码以解除锁定。",
    },
    en: {
      message:
        "The account is locked for a while after repeated failed sign-ins (by default 30 minutes after 5 failures).",
      next: "Wait until the lock ends, or ask your unit's administrator (for platform accounts, the security administrator) to reset your password.",
    },
  },
  INVALID_MFA_CODE: {
    zh: {
      message: "动态验证码不正确，或已经使用过。",
      next: "请等待验证器应用显示新的验证码后重新输入。",
    },
    en: {
      message: "The verification code is wrong or has already been used.",
      next: "Wait for your authenticator app to show a new code and enter that one.",
    },
  },
  SESSION_ENDED: {
    zh: {
      message: "会话已结束：已退出登录，或自登录起已超过允许的最长时间（默认 12 小时）。",
      next: signInAgain.zh,
    },
    en: {
      message:
        "Your session has ended: it was signed out, or it has been open longer than allowed (12 hours by default).",
      next: signInAgain.en,
    },
  },
  REAUTHENTICATION_REQUIRED: {
    zh: {
      message: "此操作较为敏感，需要在最近几分钟内（默认 5 分钟）登录过。",
      next: "请再次输入密码（如已绑定，还需输入动态验证码）确认身份后继续；已填写的内容会保留。",
    },
    en: {
      message: "This action needs a sign-in within the last few minutes (5 by default).",
      next: "Confirm your password (and code, if you use one) to continue; what you typed is kept.",
    },
  },
  FORBIDDEN: {
    zh: {
      message: "您当前的角色无权执行此操作，或尚未完成登录步骤。",
      next: "请按提示联系有权办理的人员（如本单位管理员）；如正在登录，请先完成当前登录步骤。",
    },
    en: {
      message: "Your role may not do this, or you have not finished signing in.",
      next: "Ask someone the message names as allowed (such as your unit's administrator); if signing in, finish the current step first.",
    },
  },
  IP_NOT_ALLOWED: {
    zh: {
      message: "您当前的网络地址不在本单位的 IP 白名单内，管理操作被拒绝（查看不受影响）。",
      next: "请连接本单位网络后重试，或联系安全管理员调整 IP 白名单。",
    },
    en: {
      message:
        "Your network address is not on your unit's IP allow-list, so changes are refused (viewing still works).",
      next: "Connect from your unit's network and try again, or ask the security administrator to update the allow-list.",
    },
  },
  TENANT_NOT_ACTIVE: {
    zh: {
      message: "本单位目前不是启用状态（待审核、已暂停、未通过审核或正在退出），无法执行此操作。",
      next: "请联系本单位管理员了解单位状态；新注册的单位需等待平台审核通过。",
    },
    en: {
      message:
        "Your unit is not active (awaiting approval, suspended, rejected or leaving), so this is not possible.",
      next: "Ask your unit's administrator about its status; a newly registered unit must wait for the platform's approval.",
    },
  },
  ACCOUNT_NOT_ACTIVE: {
    zh: {
      message: "您的账号尚未启用或已被停用。",
      next: "请联系本单位管理员或安全管理员启用账号。",
    },
    en: {
      message: "Your account is not enabled yet, or has been disabled.",
      next: "Ask your unit's administrator or the security administrator to enable it.",
    },
  },
  MFA_NOT_ENROLLED: {
    zh: {
      message: "尚未开始绑定验证器，无法校验动态验证码。",
      next: "请先完成绑定（用验证器应用扫描二维码），再输入验证码。",
    },
    en: {
      message: "Two-step sign-in has not been set up yet, so the code cannot be checked.",
      next: "Set it up first (scan the QR code with your authenticator app), then enter the code.",
    },
  },
  ROLE_OUT_OF_SCOPE: {
    zh: {
      message: "所选角色超出您的管理范围（平台角色和单位角色只能分别在平台和单位内授予）。",
      next: "请只选择您可以授予的角色；其他角色请联系相应的管理员授予。",
    },
    en: {
      message:
        "A chosen role is outside what you may grant here (platform and unit roles are granted separately).",
      next: "Choose only roles you may grant; ask the matching administrator for the others.",
    },
  },
  SELF_ADMINISTRATION: {
    zh: {
      message: "不能修改自己账号的角色、启用状态，也不能为自己重置密码。",
      next: "请由另一位有权限的管理员办理。",
    },
    en: {
      message: "You cannot change the roles or status of your own account, or reset its password.",
      next: "Ask another administrator with that permission to do it.",
    },
  },
  SESSION_STEP_REQUIRED: {
    zh: {
      message: "登录步骤顺序不对，当前会话只能完成尚未完成的那一步。",
      next: "请按页面提示完成当前登录步骤（修改密码、绑定验证器或输入动态验证码）后继续。",
    },
    en: {
      message: "The sign-in steps were taken out of order; this session can only finish its current step.",
      next: "Finish the step the page shows (change your password, set up two-step sign-in or enter the code), then go on.",
    },
  },
  CONFLICT: {
    zh: {
      message: "此操作与已有内容冲突（例如该通知地址已经订阅）。",
      next: "请刷新查看现有内容；如需修改，请先移除原有内容后重新提交。",
    },
    en: {
      message:
        "This clashes with something that already exists (for example, that address is already subscribed).",
      next: "Refresh to see what exists; to change it, remove the old one first and submit again.",
    },
  },
  ALREADY_REGISTERED: {
    zh: {
      message: "该统一社会信用代码的单位已经注册，或该管理员用户名已被使用。",
      next: "如单位已注册，请联系本单位管理员开通账号；否则请更换管理员用户名后重新提交。",
    },
    en: {
      message:
        "A unit with this unified social credit code is already registered, or the administrator user name is taken.",
      next: "If your unit is registered, ask its administrator for an account; otherwise choose another user name and submit again.",
    },
  },
  USER_NAME_TAKEN: {
    zh: {
      message: "该用户名已被使用。",
      next: "请换一个用户名后重新提交；其他已填写的内容会保留。",
    },
    en: {
      message: "This user name is already taken.",
      next: "Choose another user name and submit again; everything else you typed is kept.",
    },
  },
  INVALID_TENANT_STATE: {
    zh: {
      message: "单位当前的状态不允许此操作（例如已处于该状态，或尚未审核通过）。",
      next: "请刷新查看单位的当前状态后再决定下一步操作。",
    },
    en: {
      message:
        "The unit's current status does not allow this (for example, it is already in that status or not yet approved).",
      next: "Refresh to see the unit's status, then decide what to do.",
    },
  },
  STALE_VERSION: {
    zh: { message: "在您编辑期间，其他人已修改了此内容。", next: reloadKeepsEdit.zh },
    en: { message: "Someone else changed this while you were editing it.", next: reloadKeepsEdit.en },
  },
  QUOTA_EXCEEDED: {
    zh: {
      message: "已达到本单位的数量上限（受保护系统数量或通知订阅数量）。",
      next: "通知订阅请先移除不再需要的；受保护系统数量上限请联系平台管理员调整。",
    },
    en: {
      message: "Your unit has reached its limit (of protected systems, or of notification subscriptions).",
      next: "Remove a subscription you no longer need; for more systems, ask the platform's administrator.",
    },
  },
  SNAPSHOT_CONFLICT: {
    zh: {
      message: "该快照编号已登记过，但登记的内容与本次上报的不同。",
      next: "请不要手工修改备份存储库，并将请求编号提供给平台运维人员核查。",
    },
    en: {
      message: "A snapshot with this id is already recorded with different contents.",
      next: "Do not change the repository by hand; give the request id to the platform's operators to check.",
    },
  },
  DRILL_RUNNING: {
    zh: {
      message: "该系统已有一次演练正在进行。",
      next: "请等待当前演练结束后再发起；可刷新查看其进度。",
    },
    en: {
      message: "A drill of this system is already running.",
      next: "Wait for it to finish before starting another; refresh to see its progress.",
    },
  },
  BACKUP_RUNNING: {
    zh: {
      message: "该系统已有一个备份任务正在运行。",
      next: "请等待当前备份任务结束后再发起；可刷新查看其进度。",
    },
    en: {
      message: "A backup job of this system is already running.",
      next: "Wait for it to finish before starting another; refresh to see its progress.",
    },
  },
  NO_SERVER_SOURCES: {
    zh: {
      message: "该系统的灾备策略没有指定由平台备份的数据源（S3 前缀或 DynamoDB 表）。",
      next: "请单位管理员在灾备策略中添加要备份的数据源；由备份代理备份的数据请在服务器上运行备份代理。",
    },
    en: {
      message:
        "This system's DR policy names no data source for the platform to back up (S3 prefix or DynamoDB table).",
      next: "Ask your unit's administrator to add the sources to the policy; data the backup agent covers is backed up by running the agent.",
    },
  },
  FAILOVER_RUNNING: {
    zh: {
      message: "该系统已有一次切换或回切正在进行。",
      next: "请等待当前切换结束后再发起；可刷新查看其进度。",
    },
    en: {
      message: "A failover or failback of this system is already under way.",
      next: "Wait for it to end before starting another; refresh to see its progress.",
    },
  },
  FAILOVER_NOT_CONFIGURED: {
    zh: {
      message: "该系统缺少切换所需的配置，例如灾备站点地址或健康检查地址。",
      next: "请单位管理员在系统信息和灾备策略中补全灾备站点与健康检查地址后再试。",
    },
    en: {
      message:
        "This system lacks what a switchover needs, such as the DR site's address or a health endpoint.",
      next: "Ask the unit's administrator to add the DR site and health endpoints to the system and its policy, then try again.",
    },
  },
  WRONG_ACTIVE_SITE: {
    zh: {
      message: "该系统当前由另一站点提供服务，本次操作不适用。",
      next: "请刷新查看当前服务站点：由灾备站点服务时发起回切，由主站点服务时发起切换。",
    },
    en: {
      message: "The system is served by the other site, so this action does not apply.",
      next: "Refresh to see which site serves it: fail back while the DR site serves, fail over while the primary serves.",
    },
  },
  NOT_AWAITING_APPROVAL: {
    zh: {
      message: "该切换当前不在等待审批。",
      next: "请刷新查看其状态；它可能已被他人批准或驳回，或已超时结束。",
    },
    en: {
      message: "This switchover is not waiting for an approval.",
      next: "Refresh to see its state; someone may have decided already, or it timed out.",
    },
  },
  PRECHECK_FAILED: {
    zh: {
      message: "切换前检查未通过，没有切换任何系统。",
      next: "请查看切换记录中列出的原因，处理后重新发起。",
    },
    en: {
      message: "The precheck failed, and no system was switched.",
      next: "Read the reasons listed on the switchover, deal with them and start again.",
    },
  },
  FENCE_FAILED: {
    zh: {
      message: "无法隔离主站点。",
      next: "请检查主站点的切换接口是否可用，处理后重新发起切换。",
    },
    en: {
      message: "The primary site could not be fenced.",
      next: "Check that the primary site's switching endpoint answers, then start the switchover again.",
    },
  },
  RECOVERY_FAILED: {
    zh: {
      message: "灾备站点未能完成恢复。",
      next: "请查看切换记录中的原因，确认灾备库中有可用的恢复点后重新发起。",
    },
    en: {
      message: "The DR site could not be recovered.",
      next: "Read the reason on the switchover record, check that the DR vault holds a recovery point, then start again.",
    },
  },
  RESYNC_FAILED: {
    zh: {
      message: "无法将灾备站点的数据同步回主站点。",
      next: "请检查主站点是否已恢复可用，处理后重新发起回切。",
    },
    en: {
      message: "The DR site's data could not be synchronised back to the primary.",
      next: "Check that the primary site is healthy again, then start the failback again.",
    },
  },
  ROUTE_SWITCH_FAILED: {
    zh: {
      message: "访问路由未能切换。",
      next: "请检查路由配置（域名解析记录或负载均衡接口）后重新发起；路由仍指向原站点。",
    },
    en: {
      message: "The route could not be switched.",
      next: "Check the route's configuration (DNS records or the load balancer's endpoint) and start again; the route still points at the old site.",
    },
  },
  HEALTH_CHECK_FAILED: {
    zh: {
      message: "切换后的健康检查未通过，本批次已回退。",
      next: "请检查目标站点的服务状态，处理后重新发起切换。",
    },
    en: {
      message: "The health check after the switch failed, and the wave was rolled back.",
      next: "Check the target site's service, then start the switchover again.",
    },
  },
  SWITCHOVER_REJECTED: {
    zh: {
      message: "该切换已被驳回，没有切换任何系统。",
      next: "如仍需切换，请重新发起并等待审批。",
    },
    en: {
      message: "The switchover was rejected, and no system was switched.",
      next: "Start a new switchover if one is still needed, and wait for its approval.",
    },
  },
  SWITCHOVER_NOT_RUNNABLE: {
    zh: {
      message: "该切换已经结束，不再执行后续步骤。",
      next: "请刷新查看其最终状态。",
    },
    en: {
      message: "This switchover has ended and takes no more steps.",
      next: "Refresh to see how it ended.",
    },
  },
  SWITCHOVER_ABORTED: {
    zh: {
      message: "该切换的执行过程意外中止。",
      next: "请查看切换记录确认路由当前指向的站点，必要时重新发起。",
    },
    en: {
      message: "The switchover's execution stopped before it ended.",
      next: "Read the switchover record to see which site the route points at, and start again if needed.",
    },
  },
  APPROVAL_EXPIRED: {
    zh: {
      message: "该切换未在审批时限内获批，已停止，没有切换任何系统。",
      next: "如仍需切换，请重新发起，并请有权审批的人员及时处理。",
    },
    en: {
      message: "The switchover was not approved in time and stopped; no system was switched.",
      next: "Start a new switchover if one is still needed, and ask an approver to decide in time.",
    },
  },
  SWITCHOVER_NOT_COMPLETED: {
    zh: {
      message: "该切换没有全部完成。",
      next: "请查看切换记录中各批次和系统的状态及原因。",
    },
    en: {
      message: "The switchover did not complete.",
      next: "Read the switchover record for the state of each wave and system, and why.",
    },
  },
  NO_POLICY: {
    zh: {
      message: "该系统尚未设置灾备策略。",
      next: "请单位管理员先为该系统设置灾备策略，再发起备份或演练。",
    },
    en: {
      message: "This system has no DR policy yet.",
      next: "Ask your unit's administrator to set one, then start the backup or drill.",
    },
  },
  IDEMPOTENCY_IN_PROGRESS: {
    zh: {
      message: "同一次提交仍在处理中。",
      next: "请稍候片刻再刷新页面查看结果，无需重复提交。",
    },
    en: {
      message: "The same submission is still being processed.",
      next: "Wait a moment, then refresh to see the result; there is no need to submit again.",
    },
  },
  IDEMPOTENCY_KEY_REUSED: {
    zh: {
      message: "同一个请求编号已用于另一项不同的提交，本次提交未予处理。",
      next: "请稍候刷新页面查看最新状态，再重新提交；已填写的内容会保留。",
    },
    en: {
      message:
        "The same request id was already used for a different submission, so this one was not processed.",
      next: "Wait, refresh to see the latest state, then submit again; what you typed is kept.",
    },
  },

  // The platform itself
  INTERNAL: {
    zh: { message: "平台内部出错，这不是您的操作问题。", next: reportToOperators.zh },
    en: {
      message: "Something went wrong inside the platform; it is not your fault.",
      next: reportToOperators.en,
    },
  },
  STORED_ITEM_INVALID: {
    zh: {
      message: "平台保存的一条数据已损坏或格式异常，无法读取，这不是您的操作问题。",
      next: reportToOperators.zh,
    },
    en: {
      message: "A record the platform keeps is damaged or in the wrong form; it is not your fault.",
      next: reportToOperators.en,
    },
  },
  DEPENDENCY_UNAVAILABLE: {
    zh: { message: "平台所依赖的存储或密钥服务暂时无法访问。", next: reportToOperators.zh },
    en: {
      message: "A storage or key service the platform relies on cannot be reached just now.",
      next: reportToOperators.en,
    },
  },
  MISCONFIGURED: {
    zh: {
      message: "平台的配置有误（例如本单位的备份加密密钥尚未就绪），无法完成此操作。",
      next: operatorsMustLook.zh,
    },
    en: {
      message:
        "The platform is set up wrongly for this (for example, your unit's backup encryption key is not ready).",
      next: operatorsMustLook.en,
    },
  },
  SELF_CHECK_FAILED: {
    zh: {
      message: "平台自检发现某项依赖服务无法访问。",
      next: "请稍后重试；如问题持续出现，请联系平台运维人员。",
    },
    en: {
      message: "The platform's self-check found a service it relies on unreachable.",
      next: "Try again later; if it keeps happening, tell the platform's operators.",
    },
  },

  // Disaster recovery tasks
  NO_RECOVERY_POINT: {
    zh: {
      message: "在所选时间点及之前没有已登记的快照，无法进行恢复演练。",
      next: "请选择更晚的时间点，或先完成一次备份再发起演练。",
    },
    en: {
      message: "No snapshot is recorded at or before the chosen time, so there is nothing to recover.",
      next: "Choose a later time, or complete a backup first and then start the drill.",
    },
  },
  DRILL_NOT_RUNNABLE: {
    zh: {
      message: "该演练已经结束，后续步骤不再执行。",
      next: "请刷新查看演练结果；如需再次验证，请发起新的演练。",
    },
    en: {
      message: "This drill has already ended, so no further steps run.",
      next: "Refresh to see its result; start a new drill to check again.",
    },
  },
  DRILL_ABORTED: {
    zh: {
      message: "演练在执行过程中意外停止，未能完成，平台已将其结束。",
      next: "请重新发起演练；如反复出现，请将演练编号提供给平台运维人员。",
    },
    en: {
      message: "The drill stopped unexpectedly before it finished, and the platform ended it.",
      next: "Start the drill again; if it keeps happening, give the drill id to the platform's operators.",
    },
  },
  BACKUP_FAILED: {
    zh: {
      message: "备份任务失败，没有生成新的快照。",
      next: "请查看任务详情中的原因；下一次计划备份会自动重试，也可以立即手动发起备份。",
    },
    en: {
      message: "The backup job failed and no new snapshot was recorded.",
      next: "See the job's details for why; the next scheduled backup tries again, or start one now.",
    },
  },
  SOURCE_ACCESS_DENIED: {
    zh: {
      message: "备份的数据源拒绝了本单位授权角色的访问，或该数据源不存在。",
      next: "请检查灾备策略中数据源的名称和授权角色的权限，修改后重新发起备份。",
    },
    en: {
      message: "A data source refused your unit's role, or it does not exist.",
      next: "Check the source's name and the role's permissions in the DR policy, then start the backup again.",
    },
  },
  REPLICATION_SOURCE_MISSING: {
    zh: {
      message: "一份备份数据在复制到异地灾备库之前，已从主备份库中消失。",
      next: operatorsMustLook.zh,
    },
    en: {
      message:
        "A piece of backup data was gone from the primary vault before it could be copied to the DR site.",
      next: operatorsMustLook.en,
    },
  },
  NOT_A_VAULT_OBJECT: {
    zh: {
      message: "异地复制收到的对象不属于任何单位的备份数据，已拒绝复制。",
      next: operatorsMustLook.zh,
    },
    en: {
      message: "Replication was asked to copy an object that is not any unit's backup data, and refused.",
      next: operatorsMustLook.en,
    },
  },
  REPLICATION_MESSAGE_UNREADABLE: {
    zh: {
      message: "异地复制收到一条无法识别的通知，未据此复制任何数据。",
      next: operatorsMustLook.zh,
    },
    en: {
      message: "Replication received a notice it could not read, and copied nothing for it.",
      next: operatorsMustLook.en,
    },
  },

  // Audit trail tasks
  AUDIT_CHAIN_BROKEN: {
    zh: {
      message: "审计日志的完整性校验未通过，可能有记录被篡改或缺失，之后的记录暂未归档。",
      next: "请审计员通过“审计校验”查看出问题的记录，并立即通知平台运维人员和安全管理员。",
    },
    en: {
      message:
        "The audit trail failed its integrity check: a record may have been altered or lost, and later records were not archived.",
      next: "Have an auditor run the audit check to see which record, and tell the platform's operators and security administrator at once.",
    },
  },
  AUDIT_CHAIN_MOVED: {
    zh: {
      message: "整理审计记录时，另一个处理过程同时更新了审计日志。",
      next: "无需处理，平台会自动重试，审计记录不会丢失。",
    },
    en: {
      message: "Another process updated the audit trail at the same moment.",
      next: "Nothing to do; the platform retries by itself and no audit record is lost.",
    },
  },
  AUDIT_CONTENTION: {
    zh: {
      message: "审计记录暂时未能编入审计链，平台繁忙。",
      next: "无需处理，记录已保存，平台稍后会自动编入；如长时间未恢复，请联系平台运维人员。",
    },
    en: {
      message: "Audit records could not be added to the audit chain just now because the platform is busy.",
      next: "Nothing to do: the records are kept and added later; if this lasts, tell the platform's operators.",
    },
  },
  AUDIT_ARCHIVE_INCOMPLETE: {
    zh: {
      message: "部分单位的审计日志本次未能归档，其他单位已归档。",
      next: "下一次归档会自动重试；如反复出现，请联系平台运维人员。",
    },
    en: {
      message: "Some units' audit trails could not be archived this time; the others were.",
      next: "The next archive run tries again; if it keeps happening, tell the platform's operators.",
    },
  },
  AUDIT_SEQUENCING_INCOMPLETE: {
    zh: {
      message: "部分单位的审计记录本次未能编入审计链，记录本身已保存。",
      next: "平台会自动重试；如长时间未恢复，请联系平台运维人员。",
    },
    en: {
      message:
        "Some units' audit records could not be added to the audit chain this time; the records themselves are kept.",
      next: "The platform tries again by itself; if this lasts, tell the platform's operators.",
    },
  },

  // The vault engine
  WRONG_KEY: {
    zh: {
      message: "所用的密钥无法打开该备份存储库。",
      next: "请确认使用的是该存储库自己的密钥（本地密钥文件，或本单位的加密密钥）。",
    },
    en: {
      message: "The key given does not open this backup repository.",
      next: "Make sure you use this repository's own key (its key file, or your unit's encryption key).",
    },
  },
  NO_REPOSITORY: {
    zh: {
      message: "指定的位置没有备份存储库。",
      next: "请检查存储库地址是否正确；如是首次使用，请先用备份代理初始化存储库。",
    },
    en: {
      message: "There is no backup repository at the location given.",
      next: "Check the repository address; if it is new, create it first with the backup agent.",
    },
  },
  REPOSITORY_EXISTS: {
    zh: {
      message: "指定的位置已经有一个备份存储库。",
      next: "请直接使用已有的存储库，或另选一个位置新建。",
    },
    en: {
      message: "There is already a backup repository at the location given.",
      next: "Use the existing repository, or choose another location for a new one.",
    },
  },
  REPOSITORY_UNREACHABLE: {
    zh: {
      message: "备份存储库无法访问，或存储服务拒绝了访问。",
      next: "请检查存储库地址、访问凭证和网络后重试；如为平台发起的任务，请将任务编号提供给平台运维人员。",
    },
    en: {
      message: "The backup repository cannot be reached, or its storage refused access.",
      next: "Check the repository address, credentials and network, then retry; for platform jobs, give the job id to the platform's operators.",
    },
  },
  REPOSITORY_DAMAGED: {
    zh: {
      message: "备份存储库自身的配置或密钥文件缺失或被改动。",
      next: "请从存储库的副本中恢复该文件（平台不会改写它），并通知平台运维人员。",
    },
    en: {
      message: "The backup repository's own settings or key file is missing or was changed.",
      next: "Restore that file from a copy of the repository (the platform never rewrites it), and tell the platform's operators.",
    },
  },
  BLOB_DAMAGED: {
    zh: {
      message: "完整性校验未通过：备份存储库中有数据已损坏。",
      next: "请运行完整校验（govdr verify --read-data）查看受影响的内容，并通知平台运维人员。",
    },
    en: {
      message: "Integrity check failed: some data in the backup repository is damaged.",
      next: "Run a full check (govdr verify --read-data) to see what is affected, and tell the platform's operators.",
    },
  },
  MANIFEST_DAMAGED: {
    zh: {
      message: "完整性校验未通过：某个快照的文件清单已损坏。",
      next: "请运行完整校验（govdr verify --read-data）查看受影响的快照，并改用其他快照恢复。",
    },
    en: {
      message: "Integrity check failed: a snapshot's list of files is damaged.",
      next: "Run a full check (govdr verify --read-data) to see which snapshots are affected, and restore from another one.",
    },
  },
  MISSING_FROM_REPOSITORY: {
    zh: {
      message: "完整性校验未通过：备份存储库中缺少应有的数据。",
      next: "请运行完整校验（govdr verify --read-data）查看受影响的内容，并通知平台运维人员。",
    },
    en: {
      message: "Integrity check failed: data that should be in the backup repository is missing.",
      next: "Run a full check (govdr verify --read-data) to see what is affected, and tell the platform's operators.",
    },
  },
  OWNER_REFUSED: {
    zh: {
      message: "恢复的文件无法设置为原来的属主。",
      next: "请以 root 身份恢复到支持文件属主的文件系统，或在恢复时加上 --no-owners 参数。",
    },
    en: {
      message: "Restored files could not be given their original owners.",
      next: "Restore as root to a file system that keeps owners, or add --no-owners.",
    },
  },
  BACKUP_SOURCE_UNREADABLE: {
    zh: {
      message: "要备份的数据源无法读取，或其名称不能用于快照。",
      next: "请检查数据源的路径和读取权限后重新备份。",
    },
    en: {
      message: "A source to back up cannot be read, or its name cannot be used in a snapshot.",
      next: "Check the source's path and read permission, then back up again.",
    },
  },
  RESTORE_TARGET_REFUSED: {
    zh: {
      message: "恢复被拒绝：会覆盖目标位置已有的文件，或所选路径不在快照中。",
      next: "请选择一个空的目标目录，或移走挡路的文件，并核对要恢复的路径。",
    },
    en: {
      message:
        "The restore was refused: it would overwrite files at the target, or the path is not in the snapshot.",
      next: "Choose an empty target folder or move the files in the way, and check the path to restore.",
    },
  },
  NO_SUCH_SNAPSHOT: {
    zh: {
      message: "备份存储库中没有该快照。",
      next: "请刷新快照列表，选择一个存在的快照。",
    },
    en: {
      message: "There is no such snapshot in the backup repository.",
      next: "Refresh the list of snapshots and choose one that exists.",
    },
  },
  SM4_SELF_TEST_FAILED: {
    zh: {
      message: "SM4 国密算法自检未通过，为保证数据安全，备份和恢复已停止。",
      next: operatorsMustLook.zh,
    },
    en: {
      message: "The SM4 encryption self-test failed, so backup and restore stopped to keep the data safe.",
      next: operatorsMustLook.en,
    },
  },
  VAULT_WORKER_FAILED: {
    zh: {
      message: "备份或恢复的处理进程意外出错。",
      next: reportToOperators.zh,
    },
    en: {
      message: "A process doing the backup or restore work failed unexpectedly.",
      next: reportToOperators.en,
    },
  },
  STORAGE_READ_INTERRUPTED: {
    zh: {
      message: "恢复时读取备份存储的连接中断，或存储服务要求稍后重试。",
      next: "系统已自动重试；如仍失败，请检查网络和存储服务后重新发起恢复。",
    },
    en: {
      message:
        "Reading the backup storage during a restore was cut off, or the storage asked to try again later.",
      next: "It was retried; if it still fails, check the network and the storage service, then start the restore again.",
    },
  },
  STORAGE_ANSWER_MALFORMED: {
    zh: {
      message: "恢复时备份存储返回了无法识别的应答。",
      next: "请检查存储服务地址是否指向兼容 S3 的服务，以及中间的代理设置；如问题持续出现，请联系平台运维人员。",
    },
    en: {
      message: "The backup storage gave an answer a restore could not read.",
      next: "Check that the storage endpoint is an S3-compatible service and any proxy in between; if it keeps happening, tell the platform's operators.",
    },
  },

  // The command line (backup agent and local tooling)
  COMMAND_FAILED: {
    zh: {
      message: "命令执行失败。",
      next: "请查看命令输出中的提示处理后重试；如问题持续出现，请联系平台运维人员。",
    },
    en: {
      message: "The command failed.",
      next: "Follow the hint in the command's output and retry; if it keeps happening, tell the platform's operators.",
    },
  },
  USAGE: {
    zh: {
      message: "命令的参数有误。",
      next: "请按提示更正参数后重新运行命令。",
    },
    en: {
      message: "The command was given a wrong option or value.",
      next: "Correct it as the hint says and run the command again.",
    },
  },
  AGENT_REPOSITORY: {
    zh: {
      message: "备份代理无法打开备份存储库：缺少密钥，或密钥文件无法读取。",
      next: "请按提示指定存储库的密钥文件或加密密钥后重新运行。",
    },
    en: {
      message:
        "The backup agent could not open the repository: no key was given, or the key file cannot be read.",
      next: "Give the repository's key file or encryption key as the hint says, and run it again.",
    },
  },
  AGENT_INTEGRITY: {
    zh: {
      message: "完整性校验未通过：部分文件因数据缺失或损坏未能恢复，其余文件已恢复。",
      next: "请运行完整校验（govdr verify --read-data）查看还有哪些内容受影响，并通知平台运维人员。",
    },
    en: {
      message:
        "Integrity check failed: some files could not be restored because their data is missing or damaged; the rest were.",
      next: "Run a full check (govdr verify --read-data) to see what else is affected, and tell the platform's operators.",
    },
  },
  AGENT_INPUT: {
    zh: {
      message: "备份代理无法写入指定的文件（可能已存在或没有权限）。",
      next: "请换一个文件路径，或检查该位置的写入权限后重新运行。",
    },
    en: {
      message:
        "The backup agent could not write the file given (it may exist already, or it is not allowed).",
      next: "Choose another path, or check write permission there, and run it again.",
    },
  },
  CONTROL_PLANE: {
    zh: {
      message: "备份代理无法连接灾备平台，或平台拒绝了它的请求；如在备份之后出现，快照已安全保存但尚未登记。",
      next: "请检查平台地址、接入密钥和网络；快照未登记时，可用 govdr register 命令补登记。",
    },
    en: {
      message:
        "The backup agent could not reach the platform, or was refused; after a backup, the snapshot is safe but not yet recorded.",
      next: "Check the platform address, the agent key and the network; an unrecorded snapshot can be recorded with govdr register.",
    },
  },

  // The console itself
  NETWORK_UNREACHABLE: {
    zh: {
      message: "无法连接到控制台服务器，网络连接可能已中断。",
      next: "请检查网络后重试；已填写的内容不会丢失。",
    },
    en: {
      message: "The console server cannot be reached; the network connection may be lost.",
      next: "Check your network and try again; nothing you typed is lost.",
    },
  },
  API_UNREACHABLE: {
    zh: {
      message: "控制台服务器暂时无法连接灾备平台服务。",
      next: "请稍后重试；已填写的内容不会丢失，如问题持续出现，请联系平台运维人员。",
    },
    en: {
      message: "The console server cannot reach the platform's service just now.",
      next: "Try again later; nothing you typed is lost, and if it keeps happening, tell the platform's operators.",
    },
  },
  UNKNOWN: {
    zh: {
      message: "控制台收到了无法识别的应答。",
      next: "请重试；如问题持续出现，请将请求编号提供给平台运维人员。",
    },
    en: {
      message: "The console received an answer it does not understand.",
      next: "Try again; if it keeps happening, give the request id to the platform's operators.",
    },
  },
};
