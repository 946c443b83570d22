"""The raw SQL baseline of bench/report.py: one statement per section of the
report snapshot, written independently of the ORM. A task's progress at the
period's end is its parties' average (each party's last report before it, or
its part's present figure), rounded down, as the item's rule has it."""

OPEN = "('not_started', 'in_progress', 'completion_claimed')"
UNDONE = "(m.status <> 'done' OR m.completed_at >= %(as_of)s)"  # open as of the end
SCOPE = "JOIN tracker_task t ON t.id = {}.task_id AND t.initiative_id = %(ini)s"
TASKS = f"""WITH ms AS (
  SELECT m.task_id, bool_or(m.due_date < %(today)s) AS late,
         bool_or(m.due_date BETWEEN %(today)s AND %(soon)s) AS soon
  FROM tracker_milestone m {SCOPE.format("m")} WHERE {UNDONE} GROUP BY m.task_id
), t0 AS (
  SELECT t.*, ws.sort_order AS ws_order, ws.name AS ws_name, lo.light AS forced,
    CASE WHEN t.status = 'completed' AND t.completed_at >= %(as_of)s
         THEN 'in_progress' ELSE t.status END AS st,
    COALESCE(pu.progress, t.progress) AS pr,
    COALESCE(ms.late, false) AS late, COALESCE(ms.soon, false) AS soon
  FROM tracker_task t JOIN tracker_workstream ws ON ws.id = t.work_stream_id
  LEFT JOIN ms ON ms.task_id = t.id
  LEFT JOIN LATERAL (SELECT sum(COALESCE((SELECT u.progress
      FROM tracker_progressupdate u WHERE u.task_id = o.task_id
      AND u.party_id = o.party_id AND u.reported_at < %(as_of)s
      ORDER BY u.reported_at DESC, u.id DESC LIMIT 1), o.progress)) / count(*)
      AS progress FROM tracker_taskowner o WHERE o.task_id = t.id) pu ON true
  LEFT JOIN LATERAL (SELECT o.light FROM tracker_lightoverride o
    WHERE o.task_id = t.id AND o.expires_at > %(as_of)s AND o.created_at <= %(as_of)s
      AND (o.cleared_at IS NULL OR o.cleared_at > %(as_of)s)
    ORDER BY o.created_at DESC LIMIT 1) lo ON true
  WHERE t.initiative_id = %(ini)s
), tasks AS (
  SELECT t0.*, st IN {OPEN} AND (due_date < %(today)s OR late) AS overdue,
    CASE WHEN st IN {OPEN} AND due_date < %(today)s THEN %(today)s - due_date ELSE 0 END
      AS days_overdue,
    COALESCE(forced, CASE WHEN st = 'completed' THEN 'closed'
      WHEN st NOT IN {OPEN} THEN 'none' WHEN due_date < %(today)s OR late THEN 'red'
      WHEN soon OR (planned_start < %(today)s AND due_date > planned_start
        AND LEAST(%(today)s - planned_start, due_date - planned_start) * 100
            > (pr + %(margin)s) * (due_date - planned_start)) THEN 'amber'
      ELSE 'green' END) AS light
  FROM t0)
"""
LATEST_EVALUATION = """LEFT JOIN LATERAL (SELECT s.outcome AS result, c.name AS round,
  c.announced_on FROM parks_parkassessment s
  JOIN parks_evaluationcycle c ON c.id = s.cycle_id
  WHERE s.park_id = {0}.id AND s.state = 'published' AND c.announced_on <= %(today)s
  ORDER BY c.announced_on DESC, c.period_end DESC, c.id DESC LIMIT 1) e{0} ON true"""
RAW = {
    "initiative": "SELECT code, name, short_name FROM tracker_initiative "
    "WHERE id = %(ini)s",
    "streams": "SELECT id, code, name FROM tracker_workstream "
    "WHERE initiative_id = %(ini)s ORDER BY sort_order, code",
    "parties": """SELECT p.id, p.code, p.name, p.short_name FROM tracker_participation x
      JOIN accounts_party p ON p.id = x.party_id WHERE x.initiative_id = %(ini)s
      ORDER BY x.sort_order, p.sort_order""",
    "counts": TASKS
    + """SELECT 'ws', work_stream_id, st, light, overdue, count(*)
      FROM tasks GROUP BY 2, 3, 4, 5 UNION ALL
      SELECT 'party', o.party_id, st, light, overdue, count(*) FROM tasks
      JOIN tracker_taskowner o ON o.task_id = tasks.id GROUP BY 2, 3, 4, 5""",
    "milestones": f"""SELECT count(*),
      count(*) FILTER (WHERE m.status = 'done' AND m.completed_at < %(as_of)s),
      count(*) FILTER (WHERE {UNDONE} AND m.due_date < %(today)s)
      FROM tracker_milestone m {SCOPE.format("m")}""",
    "history": """SELECT id, period_start, period_end, snapshot -> 'summary'
      FROM reports_report WHERE initiative_id = %(ini)s AND kind = 'monthly'
      AND scope = 'initiative' AND status = 'done' AND period_end < %(end)s
      ORDER BY period_end DESC LIMIT %(history)s""",
    "parks": f"""SELECT pp.name, pp.paired_on, a.name, a.city_county, pa.short_name,
      ea.result, ea.round, ea.announced_on FROM tracker_parkpairmember m
      JOIN tracker_parkpair pp ON pp.id = m.pair_id
      JOIN tracker_industrialpark a ON a.id = m.park_id
      JOIN accounts_party pa ON pa.id = a.party_id
      {LATEST_EVALUATION.format("a")}
      WHERE pp.initiative_id = %(ini)s
      ORDER BY pp.id, pa.sort_order, a.name""",
    "updates": f"""SELECT t.code, t.title, p.short_name,
      COALESCE(NULLIF(au.full_name, ''), au.username), u.reported_at, u.progress,
      left(u.narrative, 141) FROM tracker_progressupdate u {SCOPE.format("u")}
      JOIN accounts_party p ON p.id = u.party_id
      JOIN accounts_user au ON au.id = u.author_id
      WHERE u.reported_at >= %(start)s AND u.reported_at < %(as_of)s
      ORDER BY u.reported_at DESC, u.id DESC LIMIT %(updates)s""",
    "updates_total": f"""SELECT count(*) FROM tracker_progressupdate u
      {SCOPE.format("u")} WHERE u.reported_at >= %(start)s AND u.reported_at < %(as_of)s""",
    "owners": f"""SELECT o.task_id, p.short_name, a.name, o.contact_name, o.contact_phone
      FROM tracker_taskowner o {SCOPE.format("o")}
      JOIN accounts_party p ON p.id = o.party_id
      JOIN accounts_agency a ON a.id = o.agency_id ORDER BY o.task_id, p.sort_order""",
    "overdue": TASKS
    + f"""SELECT tasks.id, code, tasks.title, ws_name, tasks.due_date,
      original_due_date, days_overdue, st, pr, light, lm.title, lm.due_date FROM tasks
      LEFT JOIN LATERAL (SELECT m.title, m.due_date FROM tracker_milestone m
        WHERE m.task_id = tasks.id AND m.due_date < %(today)s AND {UNDONE}
        ORDER BY m.due_date, m.id LIMIT 1) lm ON true
      WHERE overdue OR light = 'red'
      ORDER BY GREATEST(days_overdue, CASE WHEN st IN {OPEN} AND lm.due_date IS NOT NULL
        THEN %(today)s - lm.due_date ELSE 0 END) DESC,
        days_overdue DESC, lm.due_date, code""",
    "tasks": TASKS
    + """SELECT tasks.id, tasks.code, title, ws_name, task_list,
      lp.short_name, priority, st, pr, light, due_date, original_due_date, days_overdue
      FROM tasks LEFT JOIN accounts_party lp ON lp.id = lead_party_id
      ORDER BY ws_order, tasks.code""",
    "upcoming": f"""SELECT t.code, t.title, m.title, p.short_name, m.due_date
      FROM tracker_milestone m {SCOPE.format("m")}
      LEFT JOIN accounts_party p ON p.id = m.party_id
      WHERE m.due_date BETWEEN %(today)s AND %(up_end)s AND {UNDONE}
      ORDER BY m.due_date, t.code, m.sort_order, m.id""",
    "completed": """SELECT t.id, t.code, t.title, ws.name, t.completed_at,
      cp.short_name, array_agg(dp.short_name ORDER BY d.decided_at)
      FILTER (WHERE d.id IS NOT NULL) FROM tracker_task t
      JOIN tracker_workstream ws ON ws.id = t.work_stream_id
      LEFT JOIN tracker_completionclaim c ON c.task_id = t.id AND c.status = 'confirmed'
      LEFT JOIN tracker_claimdecision d ON d.claim_id = c.id AND d.decision = 'confirm'
      LEFT JOIN accounts_party cp ON cp.id = c.party_id
      LEFT JOIN accounts_party dp ON dp.id = d.party_id
      WHERE t.initiative_id = %(ini)s AND t.status = 'completed'
      AND t.completed_at >= %(start)s AND t.completed_at < %(as_of)s
      GROUP BY t.id, ws.name, cp.short_name ORDER BY t.completed_at, t.code""",
    "extensions": f"""SELECT t.code, t.title, p.short_name, e.requested_at,
      e.current_due_date, e.requested_due_date, e.days_overdue, e.reason,
      CASE WHEN e.decided_at < %(as_of)s OR e.decided_at IS NULL THEN e.status
      ELSE 'pending' END, e.decided_at, e.decision_note
      FROM tracker_extensionrequest e {SCOPE.format("e")}
      JOIN accounts_party p ON p.id = e.party_id
      WHERE (e.requested_at >= %(start)s AND e.requested_at < %(as_of)s)
      OR (e.decided_at >= %(start)s AND e.decided_at < %(as_of)s)
      ORDER BY e.requested_at, e.id""",
    "indicators": f"""SELECT i.id, t.code, t.title, i.name, i.unit, p.short_name,
      i.baseline, i.target, i.direction, r.period, r.value
      FROM tracker_indicator i {SCOPE.format("i")}
      JOIN tracker_workstream ws ON ws.id = t.work_stream_id
      LEFT JOIN accounts_party p ON p.id = i.party_id
      LEFT JOIN LATERAL (SELECT period, value FROM tracker_indicatorreading r
        WHERE r.indicator_id = i.id AND r.period <= %(today)s
        AND r.reported_at < %(as_of)s ORDER BY period DESC LIMIT %(readings)s) r ON true
      ORDER BY ws.sort_order, t.code, i.sort_order, i.id, r.period""",
}
