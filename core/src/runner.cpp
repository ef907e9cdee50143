// runner.cpp — runs a plan against a database, and renders the same plan as an offline script.
#include "runner.hpp"

#include "checksum.hpp"
#include "redact.hpp"
#include "target.hpp"
#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace retort {
namespace {

using clock = std::chrono::steady_clock;

std::string shorten(const std::string& sql, std::size_t max = 300) {
  std::string one;
  for (char c : sql) one += (c == '\n' || c == '\t') ? ' ' : c;
  return one.size() > max ? one.substr(0, max) + " …" : one;
}

std::string describe(const sdk::error& e) {
  std::string out = e.what();
  if (!e.sqlstate().empty()) fmt::format_to(std::back_inserter(out), " [SQLSTATE {}]", e.sqlstate());
  if (e.sqlstate() == "2D000")  // invalid_transaction_termination: a procedure or DO block that COMMITs
    out += "\nA procedure or DO block that commits cannot run inside the migration's transaction: mark the "
           "migration `transactional = false` (TOML) or `-- retort:transactional false` (SQL).";
  return out;
}

/// Calls into a plugin, turning whatever it throws into an error object the core owns: a copy,
/// never the plugin's own exception object.
template <class Fn> void guarded(Fn fn) {
  try {
    fn();
  } catch (const sdk::error& e) {
    throw sdk::error(e);
  } catch (const std::exception& e) {
    throw sdk::error(sdk::error_kind::database, e.what());
  } catch (...) {
    throw sdk::error(sdk::error_kind::database, "a plugin threw an exception that is not a std::exception");
  }
}

/// The run's session lock, released however the run ends.
class held_lock {
 public:
  held_lock(sdk::connection& c, std::string key, std::chrono::milliseconds timeout) : c_(c), key_(std::move(key)) {
    guarded([&] { c_.lock(key_, timeout); });
  }
  ~held_lock() {
    try {
      c_.unlock(key_);
    } catch (...) {
    }
  }
  held_lock(const held_lock&) = delete;
  held_lock& operator=(const held_lock&) = delete;

 private:
  sdk::connection& c_;
  std::string key_;
};

}  // namespace

std::string terminated(const std::string& sql) {
  // A `;` after a line comment would be part of the comment, and the next statement would run into
  // this one; a newline before it costs nothing where there is none.
  const std::size_t last_line = sql.rfind('\n') == std::string::npos ? 0 : sql.rfind('\n') + 1;
  const bool comment = sql.find("--", last_line) != std::string::npos || sql.find('#', last_line) != std::string::npos;
  return sql + (comment ? "\n;" : ";");
}

runner::runner(const revision_graph& g, const sdk::dialect& d, sdk::connection& conn, const version_store& store,
               const op_catalog& catalog, std::vector<std::pair<sdk::hook*, std::uint32_t>> hooks)
    : g_(g), d_(d), conn_(conn), store_(store), catalog_(catalog), hooks_(std::move(hooks)), dialect_name_(d.name()),
      serialised_(d.caps().advisory_lock), operator_(current_operator()) {
  for (const auto& h : hooks_) hooks_mask_ |= h.second;
}

std::string runner::lock_key() const { return "retort:" + store_.version_table(); }

version_rows read_version_rows(const revision_graph& g, const version_store& store, sdk::connection& conn,
                               bool known_to_exist) {
  // A row for an ancestor of another row (a table edited by hand, or adopted) adds nothing: the
  // heads are what the rows imply, and the first write replaces the rows with just those.
  version_rows v;
  v.rows = store.read_heads(conn, known_to_exist);
  v.heads = g.heads_of(revisions_of(g, v.rows));
  return v;
}

version_rows runner::read_rows() {
  version_rows v;
  guarded([&] { v = read_version_rows(g_, store_, conn_, tables_exist_); });
  return v;
}

void runner::write(const std::string& sql) {
  // Each of retort's own writes changes exactly one row; any other count means the table no
  // longer holds what retort wrote there, as when a migration wrote to it.
  std::uint64_t changed = 0;
  guarded([&] { changed = conn_.execute(sql); });
  if (changed != 1)
    throw sdk::error(sdk::error_kind::database,
                     fmt::format("`{}` changed {} row(s) where it changes exactly 1: retort's version or history "
                                 "table no longer holds what retort wrote there. A migration may not write to them; "
                                 "`retort current` shows what they hold.",
                                 shorten(sql, 160), changed));
}

sdk::hook_context runner::context(sdk::event what, const run_options& opts) const {
  sdk::hook_context ctx;
  ctx.what = what;
  ctx.url = opts.url;
  ctx.dialect = dialect_name_;
  ctx.allow_destructive = opts.allow_destructive;
  return ctx;
}

std::optional<std::string> runner::emit(const sdk::hook_context& ctx) {
  const auto bit = static_cast<std::uint32_t>(ctx.what);
  const bool can_veto = ctx.what == sdk::event::before_migration || ctx.what == sdk::event::before_statement;
  for (auto& [h, mask] : hooks_) {
    if (!(mask & bit)) continue;
    sdk::verdict v;
    std::string threw;
    try {
      v = h->on_event(ctx);
    } catch (const std::exception& e) {
      threw = e.what();
    } catch (...) {
      threw = "an exception that is not a std::exception";
    }
    std::string who;
    try {
      who = h->name();
    } catch (...) {
      who = "?";
    }
    if (!threw.empty()) {
      // A hook that cannot do its work (an audit log it cannot write) must not let a change through
      // unseen; afterwards, the change is made and the error is shown.
      if (can_veto) return fmt::format("hook '{}' failed: {}", who, redact(threw));
      warnings_.push_back(fmt::format("hook '{}' failed on {}: {}", who, sdk::event_name(ctx.what), redact(threw)));
    } else if (!v.allow && can_veto) {
      return fmt::format("hook '{}': {}", who, v.reason.empty() ? "no reason given" : redact(v.reason));
    }
  }
  return std::nullopt;
}

namespace {
/// A hook's veto, on its way out of run_step.
struct vetoed {
  std::string reason;
};
}  // namespace

void runner::execute(const step& s, std::size_t i, sdk::hook_context& ctx) {
  const std::string& sql = s.statements[i].sql;
  const bool observed = wants(sdk::event::after_statement);
  if (wants(sdk::event::before_statement) || observed) {
    ctx.statement = sql;
    ctx.statement_index = i + 1;
    ctx.duration_ms = -1;
    ctx.operations = nullptr;
    ctx.statements = nullptr;
  }
  if (wants(sdk::event::before_statement)) {
    ctx.what = sdk::event::before_statement;
    if (auto no = emit(ctx)) throw vetoed{*no};
  }
  const auto t0 = observed ? clock::now() : clock::time_point{};
  guarded([&] { conn_.execute(sql); });
  if (observed) {
    ctx.what = sdk::event::after_statement;
    ctx.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
    emit(ctx);
  }
}

void runner::ensure_tables(const run_options& opts) {
  // Checked again inside the write transaction, so two first runs do not both create them.
  tables_exist_ = false;
  bool missing = false;
  guarded([&] { missing = !store_.create_sql(&conn_).empty(); });
  if (!missing) {
    tables_exist_ = true;
    return;
  }
  guarded([&] { conn_.begin(opts.lock_timeout); });
  try {
    guarded([&] {
      for (const auto& sql : store_.create_sql(&conn_)) conn_.execute(sql);
      conn_.commit();
    });
    tables_exist_ = true;
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

void refuse_segments_in_atomic(const revision_graph& g, const std::vector<step>& plan) {
  for (const auto& st : plan)
    if (needs_segments(g, st))
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("--atomic cannot hold revision {}: {}; run without --atomic (transaction_mode = "
                                   "\"per-migration\")",
                                   g.at(st.r).id,
                                   g.at(st.r).transactional
                                       ? "it has a statement the database refuses inside a transaction"
                                       : "it is marked transactional = false"));
}

bool needs_segments(const revision_graph& g, const step& s) {
  if (!g.at(s.r).transactional) return true;
  return std::any_of(s.statements.begin(), s.statements.end(), [](const sdk::statement& st) { return !st.transactional; });
}

std::int64_t runner::run_step(const step& s, std::size_t index, std::size_t count, const run_options& opts,
                              bool segmented, std::vector<std::string>& rows) {
  const migration& m = g_.at(s.r);
  const std::string started = utc_now();
  const auto t0 = clock::now();
  const std::size_t n = s.statements.size();
  statements_done_ = 0;
  statements_committed_ = 0;
  journal_id_.clear();
  sdk::hook_context ctx = context(sdk::event::before_migration, opts);
  ctx.revision = m.id;
  ctx.direction = to_string(s.dir);
  ctx.message = m.message;
  ctx.step = index + 1;
  ctx.steps = count;
  auto since = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count(); };
  try {
    if (wants(sdk::event::before_migration)) {
      ctx.operations = &s.operations;
      ctx.statements = &s.statements;
      if (auto no = emit(ctx)) throw vetoed{*no};
    }
    if (segmented) {
      // The journal: a 'partial' row before anything runs, and its progress with each segment, so
      // a crash half-way leaves on record which statement is in doubt (the one after
      // statements_done).
      history_entry j{m.id, to_string(s.dir), "partial", file_checksum(m.path), started, {}, operator_, 0,
                      static_cast<std::int64_t>(n), {}};
      write(store_.history_sql(j));
      guarded([&] { journal_id_ = store_.last_history_id(conn_); });
    }
    // Segmented: runs of transactional statements each in a transaction of their own, the others
    // alone; otherwise everything goes into the caller's transaction.
    while (statements_done_ < n) {
      const bool group = segmented && m.transactional && s.statements[statements_done_].transactional;
      if (group) guarded([&] { conn_.begin(opts.lock_timeout); });
      do {
        execute(s, statements_done_, ctx);
        ++statements_done_;
      } while (statements_done_ < n && (!segmented || (group && s.statements[statements_done_].transactional)));
      if (segmented) write(store_.progress_sql(journal_id_, statements_done_));
      if (group) guarded([&] { conn_.commit(); });
      if (segmented) statements_committed_ = statements_done_;
    }
    if (segmented) guarded([&] { conn_.begin(opts.lock_timeout); });
    const auto after = ids_of(g_, s.heads_after);
    for (const auto& sql : store_.transition_sql(rows, after)) write(sql);
    const auto ms = since();
    if (segmented) {
      write(store_.finish_sql(journal_id_, "applied", ms, n, std::nullopt));
    } else {
      history_entry e{m.id, to_string(s.dir), "applied", file_checksum(m.path), started, ms, operator_,
                      static_cast<std::int64_t>(n), static_cast<std::int64_t>(n), {}};
      write(store_.history_sql(e));
    }
    if (segmented) commit_step(s);
    rows = after;
    std::sort(rows.begin(), rows.end());  // as read_heads() returns them
  } catch (const vetoed& v) {
    std::string msg = fmt::format("revision {} ({}) was vetoed {} by {}", m.id, m.path.filename().string(),
                                  statements_done_ == 0 && ctx.what == sdk::event::before_migration
                                      ? std::string("before it ran")
                                      : fmt::format("at statement {} of {}", statements_done_ + 1, n),
                                  v.reason);
    if (segmented && statements_committed_ > 0)
      fmt::format_to(std::back_inserter(msg),
                     "\nStatements 1 to {} ran outside a single transaction and stay applied; the version table "
                     "still says the revision is not applied.",
                     statements_committed_);
    throw fail(s, ctx, sdk::error(sdk::error_kind::database, msg), since(), true);
  } catch (const sdk::error& err) {
    std::string where = statements_done_ < n ? fmt::format("at statement {} of {}:\n  {}", statements_done_ + 1, n,
                                                           shorten(s.statements[statements_done_].sql))
                                             : "while recording it in the version table";
    std::string msg = fmt::format("revision {} ({}) failed {} {}\n{}", m.id, m.path.filename().string(),
                                  s.dir == direction::up ? "to upgrade" : "to downgrade", where, describe(err));
    if (segmented && statements_committed_ > 0)
      fmt::format_to(std::back_inserter(msg),
                     "\nStatements 1 to {} ran outside a single transaction and stay applied; the version table "
                     "still says the revision is not applied. Fix the cause, then revert them by hand or complete "
                     "the migration by hand and `retort stamp`.",
                     statements_committed_);
    sdk::error out(sdk::error_kind::database, msg);
    out.with_sqlstate(err.sqlstate()).with_native_code(err.native_code()).with_in_doubt(err.in_doubt());
    throw fail(s, ctx, out, since(), false);
  }
  const auto ms = since();
  if (wants(sdk::event::after_migration)) {
    ctx.what = sdk::event::after_migration;
    ctx.statement = {};
    ctx.statement_index = 0;
    ctx.operations = &s.operations;
    ctx.statements = &s.statements;
    ctx.duration_ms = ms;
    emit(ctx);
  }
  if (opts.progress)
    opts.progress(fmt::format("[{}/{}] {} {} {} ({} ms)", index + 1, count,
                              s.dir == direction::up ? "upgrade" : "downgrade", m.id, m.message, ms));
  return ms;
}

run_failure runner::fail(const step& s, sdk::hook_context& ctx, const sdk::error& e, std::int64_t ms, bool veto) {
  const std::size_t n = s.statements.size();
  if (wants(sdk::event::failure)) {
    const std::string text = redact(e.what());
    ctx.what = sdk::event::failure;
    ctx.error = text;
    ctx.duration_ms = ms;
    ctx.operations = nullptr;
    ctx.statements = nullptr;
    emit(ctx);
    ctx.error = {};
  }
  run_failure f(e, g_.at(s.r).id, s.dir, statements_done_ + 1, n, statements_done_ < n ? s.statements[statements_done_].sql : "");
  f.vetoed = veto;
  return f;
}

void runner::commit_step(const step& s) {
  try {
    guarded([&] { conn_.commit(); });
  } catch (const sdk::error& err) {
    const migration& m = g_.at(s.r);
    sdk::error out(err.kind(), fmt::format("revision {} ({}) failed at commit:\n{}", m.id, m.path.filename().string(),
                                           describe(err)));
    out.with_sqlstate(err.sqlstate()).with_native_code(err.native_code()).with_in_doubt(err.in_doubt());
    throw out;
  }
}

void runner::record_failure(const step& s, const std::string& message, const run_options& opts, bool vetoed) {
  // After the rollback, in a transaction of its own: the history keeps the failure. 'partial' when
  // statements of a segmented step were committed before it failed (statement k of n).
  const migration& m = g_.at(s.r);
  // Only what committed counts: a failed segment's statements went with its transaction.
  const std::size_t done = needs_segments(g_, s) ? statements_committed_ : 0;
  const std::string status = done > 0 ? "partial" : vetoed ? "vetoed" : "failed";
  history_entry e{m.id, to_string(s.dir), status, file_checksum(m.path), utc_now(), {},
                  operator_, static_cast<std::int64_t>(done),
                  static_cast<std::int64_t>(s.statements.size()), redact(message)};
  try {
    conn_.begin(opts.lock_timeout);
    if (journal_id_.empty()) conn_.execute(store_.history_sql(e));
    else conn_.execute(store_.finish_sql(journal_id_, status, 0, done, redact(message)));
    conn_.commit();
  } catch (...) {
    rollback_quietly();
  }
}

void runner::rollback_quietly() noexcept {
  try {
    conn_.rollback();
  } catch (...) {
  }
}

run_result runner::run(const plan_fn& make_plan, const run_options& opts) {
  // The lock first, so everything after it waits for another runner at most --lock-timeout. Then
  // plan and render, reading only: a bad file or an irreversible step is refused before anything
  // is written, even the version table.
  const auto run_started = clock::now();
  warnings_.clear();
  held_lock lock(conn_, lock_key(), opts.lock_timeout);
  version_rows db = read_rows();
  std::vector<step> plan = make_plan(db.heads);
  render_plan(plan, g_, db.heads, d_, catalog_, opts.defaults);

  auto replan = [&](version_rows now) {
    db = std::move(now);
    plan = make_plan(db.heads);
    render_plan(plan, g_, db.heads, d_, catalog_, opts.defaults);
  };

  if (opts.atomic) refuse_segments_in_atomic(g_, plan);

  run_result result;
  const bool redundant_rows = db.redundant();
  if (!plan.empty() || redundant_rows) ensure_tables(opts);
  if (wants(sdk::event::plan_built)) {
    auto ctx = context(sdk::event::plan_built, opts);
    ctx.steps = plan.size();
    emit(ctx);
  }
  auto finished = [&](std::size_t ran, std::string_view error) {
    if (!wants(sdk::event::run_finished)) return;
    auto ctx = context(sdk::event::run_finished, opts);
    ctx.step = ran;
    ctx.steps = plan.size();
    ctx.error = error;
    ctx.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - run_started).count();
    emit(ctx);
  };

  const step* current = nullptr;
  try {
    if (plan.empty() && redundant_rows) {
      // Nothing to run, but rows for ancestors of other rows: the version table keeps only heads.
      guarded([&] { conn_.begin(opts.lock_timeout); });
      for (const auto& sql : store_.transition_sql(db.rows, ids_of(g_, db.heads))) write(sql);
      guarded([&] { conn_.commit(); });
    } else if (opts.atomic && !plan.empty()) {
      guarded([&] { conn_.begin(opts.lock_timeout); });
      // Re-read under the write lock: another runner may have moved on since we planned.
      if (auto now = read_rows(); now.rows != db.rows) {
        replan(std::move(now));
        refuse_segments_in_atomic(g_, plan);
      }
      std::vector<step_report> ran;
      for (std::size_t i = 0; i < plan.size(); ++i) {
        current = &plan[i];
        ran.push_back({g_.at(plan[i].r).id, plan[i].dir, run_step(plan[i], i, plan.size(), opts, false, db.rows)});
      }
      if (plan.empty()) rollback_quietly();  // the other runner did it all
      else commit_step(plan.back());
      result.steps = std::move(ran);  // only once committed: before that, nothing of it stays
      result.steps_run = plan.size();
    } else {
      for (std::size_t i = 0; i < plan.size();) {
        current = nullptr;
        const bool txn = !needs_segments(g_, plan[i]);
        if (txn) guarded([&] { conn_.begin(opts.lock_timeout); });
        // Where the session lock does not hold for the whole run (SQLite serialises writers per
        // transaction), another runner may have moved the heads between our steps: look again,
        // and plan again from what is there now.
        if (!serialised_)
          if (auto now = read_rows(); now.rows != db.rows) {
            if (txn) rollback_quietly();
            replan(std::move(now));
            i = 0;
            continue;
          }
        current = &plan[i];
        const auto ms = run_step(plan[i], i, plan.size(), opts, !txn, db.rows);
        if (txn) commit_step(plan[i]);
        result.steps.push_back({g_.at(plan[i].r).id, plan[i].dir, ms});
        ++i;
        ++result.steps_run;
      }
    }
  } catch (sdk::error& err) {
    rollback_quietly();
    auto* failure = dynamic_cast<run_failure*>(&err);
    if (current) record_failure(*current, err.what(), opts, failure && failure->vetoed);
    finished(result.steps_run, redact(err.what()));
    result.warnings = warnings_;
    if (failure) {  // what ran before it stays applied
      failure->so_far = result;
      try {
        failure->so_far.heads = store_.read_heads(conn_);
      } catch (...) {  // the connection may be gone: the failure is what matters
      }
    }
    throw;
  }
  result.heads = store_.read_heads(conn_);
  finished(result.steps_run, {});
  result.warnings = warnings_;
  return result;
}

run_result runner::stamp(const std::function<std::vector<rev>(const std::vector<rev>&)>& target_rows, bool purge,
                         const run_options& opts) {
  held_lock lock(conn_, lock_key(), opts.lock_timeout);
  ensure_tables(opts);
  guarded([&] { conn_.begin(opts.lock_timeout); });
  try {
    // The transition starts from the rows as they are, so a row for an ancestor of another goes
    // too; with --purge every row goes, whatever it holds: the way out of a version the files no
    // longer define.
    std::vector<std::string> rows;
    guarded([&] { rows = store_.read_heads(conn_, true); });
    auto now = purge ? std::vector<rev>{} : read_rows().heads;
    auto after = target_rows(now);
    for (const auto& sql : store_.transition_sql(rows, ids_of(g_, after))) write(sql);
    for (auto r : after) {
      if (std::find(now.begin(), now.end(), r) != now.end()) continue;  // unchanged rows leave no record
      history_entry e{g_.at(r).id, "stamp", "applied", file_checksum(g_.at(r).path), utc_now(), 0, operator_,
                      {}, {}, {}};
      write(store_.history_sql(e));
    }
    guarded([&] { conn_.commit(); });
  } catch (...) {
    rollback_quietly();
    throw;
  }
  std::vector<std::string> rows;
  guarded([&] { rows = store_.read_heads(conn_); });
  run_result out;
  out.heads = std::move(rows);
  return out;
}

std::string offline_script(const revision_graph& g, const sdk::dialect& d, const version_store& store,
                           const std::vector<step>& plan, bool atomic, bool create_tables,
                           const std::vector<std::string>* rows) {
  if (atomic) refuse_segments_in_atomic(g, plan);
  std::string out;
  auto emit = [&](const std::string& sql) { fmt::format_to(std::back_inserter(out), "{}\n", terminated(sql)); };
  if (create_tables) {
    for (const auto& sql : store.create_sql(nullptr)) emit(sql);
    out += "\n";
  }
  if (atomic && !plan.empty()) emit(d.begin_sql());
  const std::string operator_name = current_operator();
  // The rows before each step: as read (a dry run), then what each step leaves.
  std::vector<std::string> before = rows ? *rows : plan.empty() ? std::vector<std::string>{} : ids_of(g, plan.front().heads_before);
  if (plan.empty() && rows && !rows->empty()) {
    const auto heads = ids_of(g, g.heads_of(revisions_of(g, *rows)));
    if (heads.size() != rows->size()) {
      out += "-- The version table holds rows for ancestors of other rows; only the heads stay:\n";
      emit(d.begin_sql());
      for (const auto& sql : store.transition_sql(*rows, heads)) emit(sql);
      emit(d.commit_sql());
    }
  }
  for (const auto& s : plan) {
    const migration& m = g.at(s.r);
    const bool txn = !atomic && m.transactional;
    // As Alembic writes it: the revision and its parents.
    const std::string parents = join(ids_of(g, g.parents(s.r)), "base");
    auto sink = std::back_inserter(out);
    if (s.dir == direction::up) fmt::format_to(sink, "-- Running upgrade {} -> {}", parents, m.id);
    else fmt::format_to(sink, "-- Running downgrade {} -> {}", m.id, parents);
    fmt::format_to(sink, ":{}{} ({})\n", m.message.empty() ? "" : " ", m.message, m.path.filename().string());
    // The same transaction boundaries as online: segments around what may not run in a transaction.
    const bool segmented = !atomic && needs_segments(g, s);
    bool open = false;
    auto set_open = [&](bool want) {
      if (want != open) emit(want ? d.begin_sql() : d.commit_sql());
      open = want;
    };
    if (txn && !segmented) set_open(true);
    for (const auto& st : s.statements) {
      if (segmented) set_open(m.transactional && st.transactional);
      emit(st.sql);
    }
    if (segmented) set_open(true);
    for (const auto& sql : store.transition_sql(before, ids_of(g, s.heads_after))) emit(sql);
    before = ids_of(g, s.heads_after);
    history_entry e{m.id, to_string(s.dir), "applied", file_checksum(m.path), {}, {}, operator_name, {},
                    static_cast<std::int64_t>(s.statements.size()), {}};
    emit(store.history_sql(e));
    if (txn || segmented) set_open(false);
    out += "\n";
  }
  if (atomic && !plan.empty()) emit(d.commit_sql());
  return out;
}

}  // namespace retort
