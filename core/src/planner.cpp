// planner.cpp — from the database's heads to a target: steps, version-table transitions, statements.
#include "planner.hpp"

#include "target.hpp"
#include "text.hpp"

#include <retort/sdk/builtin_ops.hpp>
#include <retort/sdk/error.hpp>
#include <retort/sdk/sql_lexer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace retort {
namespace {

std::vector<rev> remove(std::vector<rev> from, const std::vector<rev>& gone) {
  from.erase(std::remove_if(from.begin(), from.end(),
                            [&](rev r) { return std::find(gone.begin(), gone.end(), r) != gone.end(); }),
             from.end());
  return from;
}

std::vector<rev> parents_and_deps(const revision_graph& g, rev r) {
  std::vector<rev> out = g.parents(r);
  out.insert(out.end(), g.dependencies(r).begin(), g.dependencies(r).end());
  return out;
}

bool matches_dialect(const std::string& wanted, const sdk::dialect& d) {
  if (wanted == d.name()) return true;
  for (const auto& s : d.schemes())
    if (wanted == s) return true;
  return false;
}

/// An `sql` op written for another dialect: it does nothing here, and needs no inverse.
bool for_another_dialect(const sdk::operation& op, const sdk::dialect& d) {
  const auto* b = dynamic_cast<const builtin_operation*>(&op);
  const auto* s = b ? std::get_if<sdk::ops::sql>(&b->op()) : nullptr;
  return s && s->dialect && !matches_dialect(*s->dialect, d);
}

/// The names a built-in operation gives to new things: what each is, and the name.
std::vector<std::pair<const char*, std::string>> new_names(const sdk::operation& op) {
  namespace ops = sdk::ops;
  std::vector<std::pair<const char*, std::string>> out;
  const auto* b = dynamic_cast<const sdk::builtin*>(&op);
  if (!b) return out;
  auto constraint = [&](const std::string& n) {
    if (!n.empty()) out.emplace_back("constraint", n);
  };
  std::visit(sdk::detail::overloaded{
                 [&](const ops::create_table& o) {
                   out.emplace_back("table", o.def.name);
                   for (const auto& c : o.def.columns) out.emplace_back("column", c.name);
                   for (const auto& ix : o.def.indexes) out.emplace_back("index", ix.name);
                   for (const auto& u : o.def.uniques) constraint(u.name);
                   for (const auto& fk : o.def.foreign_keys) constraint(fk.name);
                   for (const auto& ck : o.def.checks) constraint(ck.name);
                 },
                 [&](const ops::rename_table& o) { out.emplace_back("table", o.to); },
                 [&](const ops::add_column& o) { out.emplace_back("column", o.col.name); },
                 [&](const ops::alter_column& o) {
                   if (o.rename_to) out.emplace_back("column", *o.rename_to);
                 },
                 [&](const ops::create_index& o) { out.emplace_back("index", o.def.name); },
                 [&](const ops::create_unique& o) { constraint(o.def.name); },
                 [&](const ops::create_foreign_key& o) { constraint(o.def.name); },
                 [&](const ops::create_check& o) { constraint(o.def.name); },
                 [](const auto&) {},
             },
             b->op());
  return out;
}

/// PostgreSQL cuts a longer name to 63 bytes without a word: two names could become one, and the
/// next migration would not find what this one made.
void check_new_names(const sdk::operation& op, const sdk::dialect& d) {
  if (const std::size_t limit = d.caps().max_identifier_length)
    for (const auto& [what, n] : new_names(op))
      if (n.size() > limit)
        throw sdk::error(sdk::error_kind::input,
                         fmt::format("{} name '{}' is {} bytes long; {} allows {} and would cut it short silently: "
                                     "choose a shorter name",
                                     what, n, n.size(), d.name(), limit));
}

std::vector<sdk::statement> render_op(const sdk::operation& op, const sdk::dialect& d, const sdk::schema& before,
                                      const op_catalog& catalog) {
  check_new_names(op, d);
  const std::string name = op.name();
  if (const sdk::op_renderer* r = catalog.find_renderer(name, d.name())) return r->render(op, d, before);
  // A custom operation renders on the dialects its plugin registered renderers for, or, with none,
  // on every dialect by itself.
  if (const op_origin* origin = catalog.origin(name); origin && !origin->dialects.empty())
    throw sdk::error(sdk::error_kind::input,
                     fmt::format("operation '{}' (plugin {}, {}) cannot be rendered for dialect '{}': it renders on "
                                 "{} only",
                                 name, origin->plugin, origin->file, d.name(), join(origin->dialects, "none")));
  return op.render(d, before);
}

/// Runs `fn`, adding the revision and operation to any error it throws.
template <class Fn> auto in_context(const migration& m, const char* section, std::size_t i, const sdk::operation& op, Fn fn) {
  // An SQL file has one section of each kind; a TOML file numbered operations.
  const std::string place = m.format == file_format::sql ? fmt::format("the {} section", section)
                                                         : fmt::format("[[{}]] #{} ({})", section, i + 1, op.name());
  const std::string where = fmt::format("revision {} ({}), {}", m.id, m.path.filename().string(), place);
  try {
    return fn();
  } catch (const sdk::error& e) {
    throw sdk::error(e.kind(), fmt::format("{}: {}", where, e.what()));
  } catch (const std::exception& e) {
    throw sdk::error(sdk::error_kind::plugin, fmt::format("{}: the operation failed: {}", where, e.what()));
  }
}

/// Renders ops[i] into `s`, with the built-in operations after it when the dialect renders them
/// together (one SQLite rebuild for several changes to a table): how many it rendered. Each keeps its
/// name in `operations`; the statements count as the first one's.
std::size_t render_into(step& s, const migration& m, const char* section,
                        const std::vector<std::unique_ptr<sdk::operation>>& ops, std::size_t i, const sdk::dialect& d,
                        const sdk::schema& before, const op_catalog& catalog) {
  std::vector<const sdk::builtin_op*> run;
  for (std::size_t k = i; k < ops.size(); ++k) {
    const auto* b = dynamic_cast<const sdk::builtin*>(ops[k].get());
    if (!b || for_another_dialect(*ops[k], d) || catalog.find_renderer(ops[k]->name(), d.name())) break;
    run.push_back(&b->op());
  }
  std::vector<sdk::statement> stmts;
  std::size_t n = 0;
  if (run.size() > 1)
    n = in_context(m, section, i, *ops[i], [&] {
      for (std::size_t k = 0; k < run.size(); ++k) check_new_names(*ops[i + k], d);
      return d.render_together(run, before, stmts);
    });
  if (n < 2) {
    n = 1;
    stmts = in_context(m, section, i, *ops[i], [&] { return render_op(*ops[i], d, before, catalog); });
  }
  s.op_statements.emplace_back(s.statements.size(), s.statements.size() + stmts.size());
  s.statements.insert(s.statements.end(), stmts.begin(), stmts.end());
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) s.op_statements.emplace_back(s.statements.size(), s.statements.size());
    s.operations.push_back(ops[i + k]->name());
  }
  return n;
}

/// The applied revisions marked in `go`, newest first, with the version rows after each.
std::vector<step> revert_where(const revision_graph& g, const std::vector<char>& have, const std::vector<char>& go) {
  // A revision is a head while no applied revision stands on it (as a child or a dependent):
  // count those, and a parent becomes a head when the last one above it is reverted. Linear.
  std::vector<std::size_t> above(g.size(), 0);
  for (rev r = 0; r < g.size(); ++r)
    if (have[r])
      for (rev p : parents_and_deps(g, r)) ++above[p];
  std::set<rev> heads;
  for (rev r = 0; r < g.size(); ++r)
    if (have[r] && above[r] == 0) heads.insert(r);
  std::vector<step> plan;
  for (rev r = g.size(); r-- > 0;) {
    if (!have[r] || !go[r]) continue;
    step s{r, direction::down, {heads.begin(), heads.end()}, {}, {}, {}, {}, {}};
    heads.erase(r);
    for (rev p : parents_and_deps(g, r))
      if (--above[p] == 0) heads.insert(p);
    s.heads_after.assign(heads.begin(), heads.end());
    plan.push_back(std::move(s));
  }
  return plan;
}

}  // namespace

bool commits_on_its_own(const sdk::statement& st, bool migration_transactional, const sdk::capabilities& caps) {
  if (!st.transactional || !migration_transactional) return true;
  if (caps.transactional_ddl) return false;
  // Without transactional DDL (MySQL) every statement but data manipulation commits implicitly:
  // only these may share a transaction.
  static const std::set<std::string, std::less<>> dml = {"insert", "update", "delete", "replace", "select",
                                                         "with",   "values", "table",  "set",     "load"};
  sdk::sql_syntax syntax;
  syntax.hash_comments = true;
  const auto words = sdk::leading_words(st.sql, syntax, 1);
  return words.empty() || !dml.count(words[0]);
}

std::vector<segment> segments_of(const std::vector<sdk::statement>& statements, bool migration_transactional,
                                 const sdk::capabilities& caps) {
  std::vector<segment> out;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const bool alone = commits_on_its_own(statements[i], migration_transactional, caps);
    if (!alone && !out.empty() && out.back().transaction) ++out.back().end;
    else out.push_back({i, i + 1, !alone});
  }
  return out;
}

std::vector<step> plan_upgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target) {
  auto have = g.closure(current);
  auto want = g.closure(target);
  std::vector<step> plan;
  std::vector<rev> heads = g.heads_of(current);
  for (rev r = 0; r < g.size(); ++r) {
    if (!want[r] || have[r]) continue;
    step s{r, direction::up, heads, {}, {}, {}, {}, {}};
    heads = remove(heads, parents_and_deps(g, r));
    heads.push_back(r);
    std::sort(heads.begin(), heads.end());
    s.heads_after = heads;
    plan.push_back(std::move(s));
  }
  return plan;
}

std::vector<step> plan_downgrade(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& target) {
  auto have = g.closure(current);
  for (rev t : target)
    if (!have[t])
      throw sdk::error(sdk::error_kind::usage, "revision " + g.at(t).id +
                                                   " is not applied, so it is not a downgrade target; "
                                                   "`retort current` shows where the database is");
  // What descends from the target goes; other branches stay (Alembic's semantics). `base` reverts
  // everything applied.
  return revert_where(g, have, target.empty() ? have : g.descendants(target));
}

std::vector<step> plan_revert(const revision_graph& g, const std::vector<rev>& current, const std::vector<rev>& revisions) {
  auto have = g.closure(current);
  return revert_where(g, have, g.above(revisions));
}

target_planner::target_planner(const revision_graph& g, direction dir, std::string target)
    : g_(g), dir_(dir), target_(std::move(target)) {}

target_planner::target_planner(const revision_graph& g, direction dir, std::vector<rev> revisions, bool revert)
    : g_(g), dir_(dir) {
  (revert ? revert_ : to_) = std::move(revisions);
}

std::vector<step> target_planner::operator()(const std::vector<rev>& now) {
  if (!to_ && !revert_) {
    if (dir_ == direction::down) revert_ = branch_steps_down(g_, target_, now);
    if (!revert_) to_ = resolve_target(g_, target_, now);
  }
  if (revert_) return plan_revert(g_, now, *revert_);
  return dir_ == direction::up ? plan_upgrade(g_, now, *to_) : plan_downgrade(g_, now, *to_);
}

void render_plan(std::vector<step>& plan, const revision_graph& g, const std::vector<rev>& start,
                 const sdk::dialect& d, const op_catalog& catalog, const guards& defaults) {
  if (plan.empty()) return;
  std::vector<char> walk = g.closure(start);
  std::vector<step*> in_plan(g.size(), nullptr);
  for (auto& s : plan) {
    walk[s.r] = 1;
    in_plan[s.r] = &s;
  }
  // Downgrades keep each migration's undo operations, computed when the walk passes it.
  std::map<rev, std::vector<std::unique_ptr<sdk::operation>>> undo;

  sdk::schema schema;
  for (rev r = 0; r < g.size(); ++r) {
    if (!walk[r]) continue;
    const migration& m = g.at(r);
    migration_body body = read_migration_body(m, catalog);
    step* s = in_plan[r];
    bool need_inverse = s && s->dir == direction::down && !body.has_downgrade;
    std::size_t ahead = 0;  // operations after this one rendered with an earlier one
    for (std::size_t i = 0; i < body.upgrade.size(); ++i) {
      const sdk::operation& op = *body.upgrade[i];
      const bool here = !for_another_dialect(op, d);
      if (s && s->dir == direction::up && here)
        ahead = ahead ? ahead - 1 : render_into(*s, m, "upgrade", body.upgrade, i, d, schema, catalog) - 1;
      if (need_inverse && here) {
        auto inv = op.inverse(schema);
        if (!inv && m.format == file_format::sql)
          throw sdk::error(sdk::error_kind::input,
                           fmt::format("revision {} ({}) cannot be downgraded: the file has no '-- retort:downgrade' "
                                       "section; add one with the statements that revert it",
                                       m.id, m.path.filename().string()));
        if (!inv)
          throw sdk::error(sdk::error_kind::input,
                           fmt::format("revision {} ({}) cannot be downgraded: [[upgrade]] #{} ({}) has no inverse and "
                                       "the file has no [[downgrade]] section; add one that reverts it",
                                       m.id, m.path.filename().string(), i + 1, op.name()));
        // Several steps run as operations of their own, each rendered as itself; pushed last first,
        // as the list is reversed below.
        if (const auto* steps = dynamic_cast<const builtin_steps*>(inv.get()))
          for (auto it = steps->ops().rbegin(); it != steps->ops().rend(); ++it)
            undo[r].push_back(std::make_unique<builtin_operation>(*it));
        else
          undo[r].push_back(std::move(inv));
      }
      op.apply(schema);
    }
    if (s && s->dir == direction::down) {
      if (body.has_downgrade) undo[r] = std::move(body.downgrade);
      else std::reverse(undo[r].begin(), undo[r].end());
    }
  }
  // Downgrades render newest first, against the schema as it stands after the steps before.
  for (auto& s : plan) {
    if (s.dir != direction::down) continue;
    const migration& m = g.at(s.r);
    auto& ops = undo[s.r];
    std::size_t ahead = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (!for_another_dialect(*ops[i], d))
        ahead = ahead ? ahead - 1 : render_into(s, m, "downgrade", ops, i, d, schema, catalog) - 1;
      ops[i]->apply(schema);
    }
  }
  const sdk::capabilities caps = d.caps();
  // Guards: each migration starts with its timeouts (its own, else the project's), and one that
  // set its own puts the project's back when it is done.
  for (auto& s : plan) {
    const migration& m = g.at(s.r);
    std::vector<sdk::statement> before, after;
    for (auto [which, own, fallback] : {std::tuple{"lock_timeout", m.lock_timeout, defaults.lock_timeout},
                                        std::tuple{"statement_timeout", m.statement_timeout, defaults.statement_timeout}}) {
      auto value = own ? own : fallback;
      if (!value) continue;
      if (auto sql = d.timeout_sql(which, value); !sql.empty()) before.push_back({sql, true});
      if (own && own != fallback)
        if (auto sql = d.timeout_sql(which, fallback); !sql.empty()) after.push_back({sql, true});
    }
    for (auto& [first, end] : s.op_statements) first += before.size(), end += before.size();
    s.statements.insert(s.statements.begin(), before.begin(), before.end());
    s.statements.insert(s.statements.end(), after.begin(), after.end());
    s.segments = segments_of(s.statements, m.transactional, caps);
  }
}

partial_undo undo_partial(const step& s, std::size_t done, const revision_graph& g, const sdk::dialect& d,
                          const op_catalog& catalog) {
  // The schema before the migration: what the revisions applied under it project.
  const std::vector<char> applied = g.closure(s.heads_before);
  sdk::schema schema;
  for (rev r = 0; r < g.size(); ++r)
    if (applied[r] && r != s.r)
      for (const auto& op : read_migration_body(g.at(r), catalog).upgrade) op->apply(schema);
  const migration& m = g.at(s.r);
  migration_body body = read_migration_body(m, catalog);
  partial_undo out;
  std::vector<std::unique_ptr<sdk::operation>> undo;
  std::size_t k = 0;  // the operations rendered here, as s.op_statements lists them
  for (const auto& op : body.upgrade) {
    if (for_another_dialect(*op, d)) continue;
    if (k >= s.op_statements.size()) break;
    const auto [first, end] = s.op_statements[k++];
    if (first >= done) break;
    const std::string which = end - first == 1 ? fmt::format("statement {}", first + 1)
                                               : fmt::format("statements {} to {}", first + 1, end);
    if (end > done) {
      out.kept.push_back(fmt::format("{} ({}): only {} of them ran", which, op->name(), done - first));
      break;
    }
    if (auto inv = op->inverse(schema)) {
      if (const auto* steps = dynamic_cast<const builtin_steps*>(inv.get()))
        for (auto it = steps->ops().rbegin(); it != steps->ops().rend(); ++it)
          undo.push_back(std::make_unique<builtin_operation>(*it));
      else
        undo.push_back(std::move(inv));
    } else {
      out.kept.push_back(fmt::format("{} ({}): the operation has no inverse", which, op->name()));
    }
    op->apply(schema);
  }
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
    auto stmts = render_op(**it, d, schema, catalog);
    out.statements.insert(out.statements.end(), stmts.begin(), stmts.end());
    (*it)->apply(schema);
  }
  return out;
}

}  // namespace retort
