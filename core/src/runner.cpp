// runner.cpp — runs a plan against a database, and renders the same plan as an offline script.
#include "runner.hpp"

#include "checksum.hpp"
#include "journal.hpp"
#include "recovery.hpp"
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
  // The server's own error number beside the SQLSTATE where it gives both (MySQL's 1146, 42S02).
  if (!e.sqlstate().empty())
    fmt::format_to(std::back_inserter(out), " [SQLSTATE {}{}]", e.sqlstate(),
                   e.native_code() ? fmt::format(", error {}", e.native_code()) : std::string());
  if (e.sqlstate() == "2D000")  // invalid_transaction_termination: a procedure or DO block that COMMITs
    out += "\nA procedure or DO block that commits cannot run inside the migration's transaction: mark the "
           "migration `transactional = false` (TOML) or `-- retort:transactional false` (SQL).";
  return out;
}

/// The run's session lock, released however the run ends.
class held_lock {
 public:
  held_lock(sdk::connection& c, std::string key, std::chrono::milliseconds timeout) : c_(c), key_(std::move(key)) {
    c_.lock(key_, timeout);
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

version_rows read_version_rows(const revision_graph& g, const version_store& store, sdk::connection& conn,
                               bool known_to_exist) {
  // A row for an ancestor of another row (a table edited by hand, or adopted) adds nothing: the
  // heads are what the rows imply, and the first write replaces the rows with just those.
  version_rows v;
  v.rows = store.read_heads(conn, known_to_exist);
  v.heads = g.heads_of(revisions_of(g, v.rows));
  return v;
}

version_rows runner::read_rows() { return read_version_rows(g_, store_, conn_, tables_exist_); }

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
  conn_.execute(sql);
  if (observed) {
    ctx.what = sdk::event::after_statement;
    ctx.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
    emit(ctx);
  }
}

void runner::ensure_tables(const run_options& opts) {
  // Checked again inside the write transaction, so two first runs do not both create them.
  tables_exist_ = false;
  auto upgrade = store_.upgrade_sql(conn_);  // a history table from before statements_checksum
  for (const auto& sql : upgrade) conn_.execute(sql);
  if (store_.create_sql(&conn_).empty()) {
    tables_exist_ = true;
    return;
  }
  conn_.begin(opts.lock_timeout);
  try {
    for (const auto& sql : store_.create_sql(&conn_)) conn_.execute(sql);
    conn_.commit();
    tables_exist_ = true;
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

void refuse_segments_in_atomic(const revision_graph& g, const std::vector<step>& plan) {
  for (const auto& st : plan)
    if (st.journaled())
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("--atomic cannot hold revision {}: {}; run without --atomic (transaction_mode = "
                                   "\"per-migration\")",
                                   g.at(st.r).id,
                                   !g.at(st.r).transactional ? "it is marked transactional = false"
                                   : std::any_of(st.statements.begin(), st.statements.end(),
                                                 [](const sdk::statement& x) { return !x.transactional; })
                                       ? "it has a statement the database refuses inside a transaction"
                                       : "the database commits its DDL statements one by one"));
}

std::int64_t runner::run_step(const step& s, std::size_t index, std::size_t count, const run_options& opts,
                              bool journaled, std::vector<std::string>& rows, const resume_point* from) {
  const migration& m = g_.at(s.r);
  if (opts.progress) opts.progress({index, count, m.id, m.message, s.dir, false, 0});
  const std::string started = utc_now();
  const auto t0 = clock::now();
  const std::size_t n = s.statements.size();
  std::size_t at = from ? from->start : 0;  // the statement under way
  std::optional<journal> j;
  sdk::hook_context ctx = context(sdk::event::before_migration, opts);
  ctx.revision = m.id;
  ctx.direction = to_string(s.dir);
  ctx.message = m.message;
  ctx.step = index + 1;
  ctx.steps = count;
  auto since = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count(); };
  auto entry = [&](const std::string& status, std::optional<std::int64_t> ms) {
    return history_entry{m.id, to_string(s.dir), status, file_checksum(m.path), started, ms, operator_,
                         static_cast<std::int64_t>(n), static_cast<std::int64_t>(n), {}, {}};
  };
  try {
    if (wants(sdk::event::before_migration)) {
      ctx.operations = &s.operations;
      ctx.statements = &s.statements;
      if (auto no = emit(ctx)) throw vetoed{*no};
    }
    if (!journaled) {
      for (; at < n; ++at) execute(s, at, ctx);  // in the caller's transaction
    } else {
      // The journal's row before anything runs, and its progress with each segment, so a crash
      // half-way leaves on record which statement is in doubt (the one after statements_done).
      j.emplace(conn_, store_, entry("partial", std::nullopt), at, from ? from->checksum : std::string());
      if (from && !from->cleanup.empty()) conn_.execute(from->cleanup);
      for (const segment& seg : s.segments) {
        if (seg.end <= at) continue;
        if (seg.transaction) conn_.begin(opts.lock_timeout);
        for (at = std::max(at, seg.first); at < seg.end; ++at) execute(s, at, ctx);
        j->record(s.statements, at);
        if (seg.transaction) conn_.commit();
        j->committed();
      }
      conn_.begin(opts.lock_timeout);
    }
    const auto after = ids_of(g_, s.heads_after);
    for (const auto& sql : store_.transition_sql(rows, after)) write_one(conn_, sql);
    if (j) j->finish(since(), n);
    else write_one(conn_, store_.history_sql(entry("applied", since())));
    if (!opts.atomic) commit_step(s);
    rows = after;
    std::sort(rows.begin(), rows.end());  // as read_heads() returns them
  } catch (const vetoed& v) {
    std::string msg = fmt::format("revision {} ({}) was vetoed {} by {}", m.id, m.path.filename().string(),
                                  at == 0 && ctx.what == sdk::event::before_migration
                                      ? std::string("before it ran")
                                      : fmt::format("at statement {} of {}", at + 1, n),
                                  v.reason);
    rollback_quietly();
    if (j && j->anything_done())
      fmt::format_to(std::back_inserter(msg),
                     "\nStatements 1 to {} ran outside a single transaction and stay applied; the version table "
                     "still says the revision is not applied.",
                     j->done());
    if (j) j->failed("vetoed", redact(v.reason), opts.lock_timeout);
    else record_failure(s, "vetoed", msg, opts);
    throw fail(s, ctx, sdk::error(sdk::error_kind::database, msg), since(), true, at);
  } catch (const sdk::error& err) {
    std::string where = at < n ? fmt::format("at statement {} of {}:\n  {}", at + 1, n, shorten(s.statements[at].sql))
                               : "while recording it in the version table";
    std::string msg = fmt::format("revision {} ({}) failed {} {}\n{}", m.id, m.path.filename().string(),
                                  s.dir == direction::up ? "to upgrade" : "to downgrade", where, describe(err));
    rollback_quietly();
    // The journal keeps the database's words (the statement is in the row); a step without one, all.
    const std::string cause = redact(describe(err));
    if (j) j->failed("failed", cause, opts.lock_timeout);
    else record_failure(s, "failed", msg, opts);
    if (j && j->anything_done()) {
      const bool up = s.dir == direction::up;
      if (opts.revert_on_failure && up) {
        try {
          fmt::format_to(std::back_inserter(msg), "\n{}", revert(s, j->id(), j->done(), cause, opts));
        } catch (const sdk::error& e) {
          fmt::format_to(std::back_inserter(msg), "\n{}", e.what());
        }
      } else {
        fmt::format_to(std::back_inserter(msg),
                       "\nStatements 1 to {0} took effect and stay applied (the migration is recorded as partial); the "
                       "version table still says the {1} did not happen. Fix the cause, then `retort {1} --resume` "
                       "goes on from statement {2}{3}.",
                       j->done(), up ? "upgrade" : "downgrade", j->done() + 1,
                       up ? fmt::format(", or `retort revert-partial` undoes statements 1 to {}", j->done()) : std::string());
      }
    }
    sdk::error out(sdk::error_kind::database, msg);
    out.with_sqlstate(err.sqlstate()).with_native_code(err.native_code()).with_in_doubt(err.in_doubt());
    throw fail(s, ctx, out, since(), false, at);
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
  if (opts.progress) opts.progress({index, count, m.id, m.message, s.dir, true, ms});
  return ms;
}

run_failure runner::fail(const step& s, sdk::hook_context& ctx, const sdk::error& e, std::int64_t ms, bool veto,
                         std::size_t at) {
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
  run_failure f(e, g_.at(s.r).id, s.dir, at + 1, n, at < n ? s.statements[at].sql : "");
  f.vetoed = veto;
  return f;
}

void runner::commit_step(const step& s) {
  try {
    conn_.commit();
  } catch (const sdk::error& err) {
    const migration& m = g_.at(s.r);
    sdk::error out(err.kind(), fmt::format("revision {} ({}) failed at commit:\n{}", m.id, m.path.filename().string(),
                                           describe(err)));
    out.with_sqlstate(err.sqlstate()).with_native_code(err.native_code()).with_in_doubt(err.in_doubt());
    throw out;
  }
}

void runner::record_failure(const step& s, const std::string& status, const std::string& message,
                            const run_options& opts) {
  const migration& m = g_.at(s.r);
  history_entry e{m.id, to_string(s.dir), status, file_checksum(m.path), utc_now(), {}, operator_, 0,
                  static_cast<std::int64_t>(s.statements.size()), redact(message), {}};
  try {
    conn_.begin(opts.lock_timeout);
    conn_.execute(store_.history_sql(e));
    conn_.commit();
  } catch (...) {
    rollback_quietly();
  }
}

std::optional<step> partial_step(const revision_graph& g, const sdk::dialect& d, const op_catalog& catalog,
                                 const guards& defaults, const std::vector<rev>& heads, const partial_row& p) {
  const auto r = g.find(p.revision);
  if (!r) return std::nullopt;
  std::vector<step> plan = p.direction == "down" ? plan_revert(g, heads, {*r}) : plan_upgrade(g, heads, {*r});
  auto it = std::find_if(plan.begin(), plan.end(), [&](const step& s) { return s.r == *r; });
  if (it == plan.end() || it != plan.begin() + (p.direction == "down" ? static_cast<long>(plan.size()) - 1 : 0))
    return std::nullopt;  // not the next step from where the database is
  std::vector<step> one{*it};
  render_plan(one, g, heads, d, catalog, defaults);
  return one.front();
}

std::optional<effect> in_doubt(const step* s, const partial_row& p, sdk::connection& conn) {
  // A failed statement did not take effect; one in a transaction went with it when the run died.
  if (p.error || !s || p.statements_done >= s->statements.size()) return std::nullopt;
  const std::size_t i = p.statements_done;
  const bool alone = std::any_of(s->segments.begin(), s->segments.end(),
                                 [&](const segment& g) { return !g.transaction && g.first <= i && i < g.end; });
  if (!alone) return std::nullopt;
  return probe(s->statements[i].sql, conn.introspect());
}

std::string describe_partial(const revision_graph& g, const partial_row& p, const step* s,
                             std::optional<effect> doubt) {
  const auto r = g.find(p.revision);
  std::string out =
      p.statements_done == 0
          ? fmt::format("revision {} was left partial by an earlier run: no statement is known to have taken effect",
                        p.revision)
          : fmt::format("revision {} ({}) was left partial by an earlier {}: statements 1 to {} of {} took effect",
                        p.revision, r ? g.at(*r).path.filename().string() : "not in the versions directory",
                        p.direction == "down" ? "downgrade" : "upgrade", p.statements_done, p.statements_total);
  const bool known = s && p.statements_done < s->statements.size();
  if (p.statements_total > 0 && p.statements_done >= p.statements_total) {
    fmt::format_to(std::back_inserter(out), "; it failed while recording them in the version table{}",
                   p.error ? ":\n  " + shorten(redact(*p.error), 400) : std::string());
  } else if (p.error) {
    fmt::format_to(std::back_inserter(out), "; statement {} failed:\n  {}{}", p.statements_done + 1,
                   known ? shorten(s->statements[p.statements_done].sql) + "\n  " : std::string(),
                   shorten(redact(*p.error), 400));
  } else if (known) {
    // Killed: the next statement ran alone, or with a transaction that went with the session.
    fmt::format_to(std::back_inserter(out), "; the run was interrupted, and statement {} {}:\n  {}",
                   p.statements_done + 1, describe(doubt.value_or(effect::did_not)),
                   shorten(s->statements[p.statements_done].sql));
  }
  return out;
}

namespace {
/// How many statements the partial row `p` leaves taken effect: those it counts, and the one in
/// doubt after them when the catalog (or the user, through `how`) says it did; none when neither
/// can tell.
std::optional<std::size_t> statements_taken(const partial_row& p, std::optional<effect> doubt, resume_mode how) {
  if (!doubt) return p.statements_done;
  const effect e = how == resume_mode::rerun ? effect::did_not : how == resume_mode::skip ? effect::took : *doubt;
  if (e == effect::unknown) return std::nullopt;
  return e == effect::took ? p.statements_done + 1 : p.statements_done;
}
}  // namespace

std::map<std::size_t, runner::resume_point> runner::meet_partials(const std::vector<step>& plan,
                                                                  const run_options& opts) {
  std::map<std::size_t, resume_point> out;
  if (!tables_exist_) return out;
  for (const partial_row& p : store_.partials(conn_)) {
    auto it = std::find_if(plan.begin(), plan.end(), [&](const step& s) {
      return g_.at(s.r).id == p.revision && to_string(s.dir) == p.direction;
    });
    if (it == plan.end()) continue;  // not on this run's way: `current` keeps saying so
    const step& s = *it;
    const std::string verb = s.dir == direction::up ? "upgrade" : "downgrade";
    const auto doubt = in_doubt(&s, p, conn_);  // the catalog, read once
    if (opts.revert_on_failure && s.dir == direction::up) {
      revert(s, p, doubt, opts);
      continue;
    }
    const std::string told = describe_partial(g_, p, &s, doubt);
    if (opts.resume == resume_mode::refuse)
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("{}\nretort does not guess. Fix the cause, then go on from there with `retort {} "
                                   "--resume`{}.",
                                   told, verb,
                                   s.dir == direction::up ? "; or undo what took effect with `retort revert-partial` (or "
                                                            "`retort upgrade --on-failure=revert`)"
                                                          : ""));
    // The statements that ran must be the ones the file still says.
    const std::size_t done = std::min(p.statements_done, s.statements.size());
    if (p.statements_done > s.statements.size() || (done > 0 && p.statements_checksum.empty()) ||
        statements_checksum(s.statements, done) != p.statements_checksum)
      throw sdk::error(sdk::error_kind::input,
                       fmt::format("{}\nCannot resume: statements 1 to {} of the migration are not the ones that ran "
                                   "(the file changed before the statement that failed, or the partial run was "
                                   "recorded without their checksum). Restore them, or undo the partial run with "
                                   "`retort revert-partial`, or complete it by hand and `retort stamp {}`.",
                                   told, p.statements_done, p.revision));
    resume_point rp{done, p.statements_checksum, {}};
    const auto taken = statements_taken(p, doubt, opts.resume);
    if (!taken)
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("{}\nThe catalog cannot tell whether it did. Look, then run `retort {} --resume "
                                   "--in-doubt=skip` if it took effect or `retort {} --resume --in-doubt=rerun` if it "
                                   "did not.",
                                   told, verb, verb));
    if (*taken > done) {
      rp.checksum = chain_checksum(rp.checksum, s.statements[done].sql);
      rp.start = done + 1;
    } else if (done < s.statements.size()) {
      // A CREATE INDEX CONCURRENTLY that failed or was killed leaves an invalid index behind,
      // which introspection does not count: with no valid index of the name, what is there is
      // the husk.
      const std::string& sql = s.statements[done].sql;
      if (auto cleanup = leftover_cleanup(sql); !cleanup.empty() &&
                                                doubt.value_or(probe(sql, conn_.introspect())) == effect::did_not)
        rp.cleanup = std::move(cleanup);
    }
    out[static_cast<std::size_t>(it - plan.begin())] = std::move(rp);
  }
  return out;
}

std::string runner::revert(const step& s, const partial_row& p, std::optional<effect> doubt, const run_options& opts) {
  const auto taken = statements_taken(p, doubt, resume_mode::resume);
  if (!taken)
    throw sdk::error(sdk::error_kind::database,
                     fmt::format("revision {}: the catalog cannot tell whether statement {} took effect before the run "
                                 "was interrupted, so nothing was undone. Undo what took effect by hand, then `retort "
                                 "revert-partial --by-hand` records it as reverted.",
                                 p.revision, p.statements_done + 1));
  return revert(s, p.id, *taken, p.error, opts);
}

std::string runner::revert(const step& s, const std::string& journal_id, std::size_t done,
                           const std::optional<std::string>& cause, const run_options& opts) {
  const migration& m = g_.at(s.r);
  const partial_undo undo = undo_partial(s, done, g_, d_, catalog_);
  // All or nothing: a half-undone migration would be on record as neither.
  if (!undo.kept.empty())
    throw sdk::error(sdk::error_kind::database,
                     fmt::format("revision {} cannot be reverted by retort, so nothing was undone: {}. Undo statements "
                                 "1 to {} by hand, then `retort revert-partial --by-hand` records it as reverted.",
                                 m.id, join(undo.kept, "; "), done));
  // The inverses, committed as the database allows: together where its DDL is transactional.
  for (const segment& seg : segments_of(undo.statements, true, d_.caps())) {
    if (seg.transaction) conn_.begin(opts.lock_timeout);
    try {
      for (std::size_t i = seg.first; i < seg.end; ++i) conn_.execute(undo.statements[i].sql);
      if (seg.transaction) conn_.commit();
    } catch (const sdk::error& e) {
      rollback_quietly();
      throw sdk::error(e.kind(), fmt::format("revision {}: undoing its statements 1 to {} failed: {}", m.id, done,
                                             describe(e)));
    }
  }
  const std::string said = fmt::format("Reverted revision {}: undid statements 1 to {} ({} statement(s) run).", m.id,
                                       done, undo.statements.size());
  mark_reverted(journal_id, done, cause, said, opts);
  return said;
}

void runner::mark_reverted(const std::string& journal_id, std::size_t done, const std::optional<std::string>& cause,
                           const std::string& said, const run_options& opts) {
  // The row keeps why the migration stopped, and says how it was undone.
  conn_.begin(opts.lock_timeout);
  try {
    write_one(conn_, store_.finish_sql(journal_id, "reverted", 0, done, cause ? *cause + "\n" + said : said));
    conn_.commit();
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

std::vector<std::string> runner::revert_partials(const run_options& opts, bool by_hand) {
  held_lock lock(conn_, lock_key(store_), opts.lock_timeout);
  ensure_tables(opts);
  const version_rows db = read_rows();
  std::vector<std::string> out;
  for (const partial_row& p : store_.partials(conn_)) {
    auto s = partial_step(g_, d_, catalog_, opts.defaults, db.heads, p);
    if (!s)
      throw sdk::error(sdk::error_kind::input,
                       fmt::format("revision {} was left partial, but it is not the next step from where the database "
                                   "is, so retort cannot tell which statements ran; revert it by hand",
                                   p.revision));
    if (s->dir != direction::up)
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("revision {} was left partial by a downgrade; finish it with `retort downgrade "
                                   "--resume`",
                                   p.revision));
    if (by_hand) {
      const std::string said = fmt::format("Recorded revision {} as reverted by hand.", p.revision);
      mark_reverted(p.id, p.statements_done, p.error, said, opts);
      out.push_back(said);
    } else {
      out.push_back(revert(*s, p, in_doubt(&*s, p, conn_), opts));
    }
  }
  return out;
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
  held_lock lock(conn_, lock_key(store_), opts.lock_timeout);
  version_rows db;
  std::vector<step> plan;
  auto replan = [&](version_rows now) {
    db = std::move(now);
    plan = make_plan(db.heads);
    render_plan(plan, g_, db.heads, d_, catalog_, opts.defaults);
    if (opts.approve) opts.approve(db.rows, plan);
  };
  replan(read_rows());

  if (opts.atomic) refuse_segments_in_atomic(g_, plan);

  run_result result;
  const bool redundant_rows = db.redundant();
  if (!plan.empty() || redundant_rows) {
    if (opts.before_changes) opts.before_changes();
    ensure_tables(opts);
  }
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

  auto resume = meet_partials(plan, opts);
  auto from = [&](std::size_t i) -> const resume_point* {
    auto it = resume.find(i);
    return it == resume.end() ? nullptr : &it->second;
  };
  try {
    if (plan.empty() && redundant_rows) {
      // Nothing to run, but rows for ancestors of other rows: the version table keeps only heads.
      conn_.begin(opts.lock_timeout);
      for (const auto& sql : store_.transition_sql(db.rows, ids_of(g_, db.heads))) write_one(conn_, sql);
      conn_.commit();
    } else if (opts.atomic && !plan.empty()) {
      conn_.begin(opts.lock_timeout);
      // Re-read under the write lock: another runner may have moved on since we planned.
      if (auto now = read_rows(); now.rows != db.rows) {
        replan(std::move(now));
        refuse_segments_in_atomic(g_, plan);
      }
      std::vector<step_report> ran;
      for (std::size_t i = 0; i < plan.size(); ++i)
        ran.push_back({g_.at(plan[i].r).id, plan[i].dir, run_step(plan[i], i, plan.size(), opts, false, db.rows, nullptr)});
      if (plan.empty()) {
        rollback_quietly();  // the other runner did it all
      } else {
        try {
          commit_step(plan.back());
        } catch (const sdk::error& e) {
          rollback_quietly();
          record_failure(plan.back(), "failed", e.what(), opts);
          throw;
        }
      }
      result.steps = std::move(ran);  // only once committed: before that, nothing of it stays
      result.steps_run = plan.size();
    } else {
      for (std::size_t i = 0; i < plan.size();) {
        const bool journaled = plan[i].journaled() || from(i);
        if (!journaled) conn_.begin(opts.lock_timeout);
        // Where the session lock does not hold for the whole run (SQLite serialises writers per
        // transaction), another runner may have moved the heads between our steps: look again,
        // and plan again from what is there now.
        if (!serialised_)
          if (auto now = read_rows(); now.rows != db.rows) {
            if (!journaled) rollback_quietly();
            replan(std::move(now));
            resume = meet_partials(plan, opts);
            i = 0;
            continue;
          }
        const auto ms = run_step(plan[i], i, plan.size(), opts, journaled, db.rows, from(i));
        result.steps.push_back({g_.at(plan[i].r).id, plan[i].dir, ms});
        ++i;
        ++result.steps_run;
      }
    }
  } catch (sdk::error& err) {
    rollback_quietly();
    finished(result.steps_run, redact(err.what()));
    result.warnings = warnings_;
    if (auto* failure = dynamic_cast<run_failure*>(&err)) {  // what ran before it stays applied
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
  held_lock lock(conn_, lock_key(store_), opts.lock_timeout);
  ensure_tables(opts);
  conn_.begin(opts.lock_timeout);
  try {
    // The transition starts from the rows as they are, so a row for an ancestor of another goes
    // too; with --purge every row goes, whatever it holds: the way out of a version the files no
    // longer define.
    std::vector<std::string> rows;
    rows = store_.read_heads(conn_, true);
    auto now = purge ? std::vector<rev>{} : read_rows().heads;
    auto after = target_rows(now);
    for (const auto& sql : store_.transition_sql(rows, ids_of(g_, after))) write_one(conn_, sql);
    for (auto r : after) {
      if (std::find(now.begin(), now.end(), r) != now.end()) continue;  // unchanged rows leave no record
      history_entry e{g_.at(r).id, "stamp", "applied", file_checksum(g_.at(r).path), utc_now(), 0, operator_,
                      {}, {}, {}, {}};
      write_one(conn_, store_.history_sql(e));
    }
    conn_.commit();
  } catch (...) {
    rollback_quietly();
    throw;
  }
  run_result out;
  out.heads = store_.read_heads(conn_);
  return out;
}

namespace {
/// A statement as a script holds it: terminated, and, where the database's client would cut it at
/// a `;` inside (a MySQL trigger body), between DELIMITER lines, when the dialect's own splitter
/// reads that back as the one statement.
std::string scripted(const sdk::dialect& d, const std::string& sql) {
  std::string plain = terminated(sql);
  if (sql.find(';') == std::string::npos) return plain;
  try {
    if (d.split_statements(plain).size() == 1) return plain;
    std::string wrapped = "DELIMITER $$\n" + sql + "\n$$\nDELIMITER ;";
    if (d.split_statements(wrapped) == std::vector<std::string>{sql}) return wrapped;
  } catch (const sdk::error&) {  // the splitter has no DELIMITER: the script keeps the plain form
  }
  return plain;
}
}  // namespace

std::string offline_script(const revision_graph& g, const sdk::dialect& d, const version_store& store,
                           const std::vector<step>& plan, bool atomic, bool create_tables,
                           const std::vector<std::string>* rows) {
  if (atomic) refuse_segments_in_atomic(g, plan);
  std::string out;
  auto emit = [&](const std::string& sql) { fmt::format_to(std::back_inserter(out), "{}\n", scripted(d, sql)); };
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
    // As Alembic writes it: the revision and its parents.
    const std::string parents = join(ids_of(g, g.parents(s.r)), "base");
    auto sink = std::back_inserter(out);
    if (s.dir == direction::up) fmt::format_to(sink, "-- Running upgrade {} -> {}", parents, m.id);
    else fmt::format_to(sink, "-- Running downgrade {} -> {}", m.id, parents);
    fmt::format_to(sink, ":{}{} ({})\n", m.message.empty() ? "" : " ", m.message, m.path.filename().string());
    // The segments the online run commits: a transaction of its own around each that has one,
    // nothing around a statement that commits on its own; the version table in a transaction
    // after a journaled step's last segment, or in its one transaction.
    // A journaled step writes the journal as online: a script that stops part-way leaves the
    // partial row `retort upgrade --resume` goes on from.
    const bool journaled = !atomic && s.journaled();
    const std::size_t n = s.statements.size();
    history_entry e{m.id, to_string(s.dir), journaled ? "partial" : "applied", file_checksum(m.path), {}, {},
                    operator_name, journaled ? std::optional<std::int64_t>(0) : std::nullopt,
                    static_cast<std::int64_t>(n), {}, {}};
    const std::string journal_row = store.latest_id_sql(m.id);
    if (journaled) emit(store.history_sql(e));
    if (!atomic && !journaled) emit(d.begin_sql());
    std::string sum;
    for (const segment& seg : s.segments) {
      const bool own = journaled && seg.transaction;
      if (own) emit(d.begin_sql());
      for (std::size_t i = seg.first; i < seg.end; ++i) {
        emit(s.statements[i].sql);
        sum = chain_checksum(sum, s.statements[i].sql);
      }
      if (journaled) emit(store.progress_sql(journal_row, seg.end, sum));
      if (own) emit(d.commit_sql());
    }
    if (journaled) emit(d.begin_sql());
    for (const auto& sql : store.transition_sql(before, ids_of(g, s.heads_after))) emit(sql);
    before = ids_of(g, s.heads_after);
    if (journaled) emit(store.finish_sql(journal_row, "applied", 0, n, std::nullopt));
    else emit(store.history_sql(e));
    if (!atomic) emit(d.commit_sql());
    out += "\n";
  }
  if (atomic && !plan.empty()) emit(d.commit_sql());
  return out;
}

}  // namespace retort
