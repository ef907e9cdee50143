// project.cpp — the embedding API (retort/retort.hpp): a project's parts loaded on first use, and
// upgrade, downgrade, current, history, plan and apply composed from the planner and the runner.
#include "project_impl.hpp"

#include "migration.hpp"
#include "plan_file.hpp"
#include "redact.hpp"
#include "runner.hpp"
#include "target.hpp"
#include "text.hpp"
#include "toml_value.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace retort {
namespace fs = std::filesystem;

int exit_code(error_kind kind) noexcept {
  return kind == error_kind::database || kind == error_kind::lock ? 1 : 2;
}

// The parts, each made the first time it is asked for.

project::impl::impl(fs::path config_file, bool named, open_options o)
    : options(std::move(o)), config_file_(std::move(config_file)), named_(named) {}

project::impl::impl(config c, open_options o) : options(std::move(o)), named_(true), cfg_(std::move(c)) {}

project::impl::~impl() = default;

const config* project::impl::maybe_cfg() {
  if (cfg_) return &*cfg_;
  if (!named_ && !fs::exists(config_file_)) return nullptr;
  return &cfg();
}

const config& project::impl::cfg() {
  if (!cfg_) {
    if (!fs::exists(config_file_)) {
      if (named_) throw sdk::error(sdk::error_kind::usage, config_file_.string() + ": no such file");
      throw sdk::error(sdk::error_kind::usage,
                       fmt::format("no retort.toml in {}: run `retort init migrations` to start a project, or pass -c FILE",
                                   fs::current_path().string()));
    }
    cfg_ = load_config(config_file_);
  }
  return *cfg_;
}

plugin_host& project::impl::plugins() {
  if (!plugins_) {
    const config* c = maybe_cfg();
    plugins_ = std::make_unique<plugin_host>(plugin_search_path(options.plugin_paths, c),
                                             c ? c->plugin_settings : std::map<std::string, sdk::value, std::less<>>{});
    if (c && !c->plugins.empty()) plugins_->load_named(c->plugins);
  }
  return *plugins_;
}

const revision_graph& project::impl::graph() {
  if (!graph_) graph_ = std::make_unique<revision_graph>(read_migrations(cfg().versions_dir()));
  return *graph_;
}

const sdk::url& project::impl::url() {
  if (!url_) {
    url_ = choose_url(options.url, maybe_cfg());
    if (const config* c = maybe_cfg(); c && c->schema && !url_->param("schema")) url_->query.emplace_back("schema", *c->schema);
    if (url_->password) register_secret(*url_->password);
    for (const auto& [k, v] : url_->query)
      if (sdk::url::secret_param(k)) register_secret(v);
  }
  return *url_;
}

const sdk::dialect& project::impl::dialect() {
  if (!dialect_) dialect_ = &plugins().dialect_for(url());
  return *dialect_;
}

sdk::connection& project::impl::connection() {
  if (!conn_) {
    conn_ = dialect().connect(url());  // the checked dialect: a checked connection, errors the core's own
    conn_->set_lock_wait(options.lock_timeout);
  }
  return *conn_;
}

std::string project::impl::schema() {
  // The URL's `schema` parameter, else retort.toml's (url() adds it); only where the dialect has schemas.
  return dialect().caps().schemas ? url().param("schema").value_or("") : std::string();
}

const version_store& project::impl::store() {
  if (!store_) {
    store_ = std::make_unique<version_store>(dialect(), cfg().version_table, cfg().history_table, schema());
    try {
      store_->locate(connection());
    } catch (...) {
      store_.reset();
      throw;
    }
  }
  return *store_;
}

const version_store& project::impl::offline_store() {
  if (!offline_store_)
    offline_store_ = std::make_unique<version_store>(dialect(), cfg().version_table, cfg().history_table, schema());
  return *offline_store_;
}

project::impl::rendered project::impl::render(const std::string& target, direction dir) {
  check_online_target(target, dir == direction::up);
  rendered out;
  out.db = read_version_rows(graph(), store(), connection());
  target_planner planner(graph(), dir, target);
  out.steps = planner(out.db.heads);
  render_plan(out.steps, graph(), out.db.heads, dialect(), plugins(), {cfg().lock_timeout, cfg().statement_timeout});
  out.to = planner.revisions();
  out.revert = planner.reverts();
  return out;
}

// The API.

namespace {

/// A run's options from the project's settings and the caller's.
run_options options_for(project::impl& p, const run_settings& how) {
  if (how.revert_on_failure && how.resume != resume_mode::refuse)
    throw sdk::error(sdk::error_kind::usage, "--resume and --on-failure=revert go two ways; choose one");
  run_options opts;
  opts.atomic = how.atomic || p.cfg().mode == transaction_mode::all;
  opts.defaults = {p.cfg().lock_timeout, p.cfg().statement_timeout};
  opts.lock_timeout = p.options.lock_timeout;
  opts.url = p.url().redacted();
  opts.allow_destructive = how.allow_destructive;
  opts.resume = how.resume;
  opts.revert_on_failure = how.revert_on_failure;
  opts.progress = how.progress;
  if (how.backup) {
    if (fs::exists(*how.backup))
      throw sdk::error(sdk::error_kind::usage, fmt::format("--backup {}: the file exists; name a new one", how.backup->string()));
    opts.before_changes = [&p, path = *how.backup] { p.connection().backup(path.string()); };
  }
  return opts;
}

run_result run(project::impl& p, const plan_fn& make_plan, const run_options& opts) {
  runner rn(p.graph(), p.dialect(), p.connection(), p.store(), p.plugins(), p.plugins().hooks());
  return rn.run(make_plan, opts);
}

run_result migrate(project::impl& p, direction dir, const std::string& target, const run_settings& how) {
  check_online_target(target, dir == direction::up);
  const auto opts = options_for(p, how);
  // The target is resolved from the heads read under the lock.
  target_planner planner(p.graph(), dir, target);
  return run(p, [&](const std::vector<rev>& now) { return planner(now); }, opts);
}

[[noreturn]] void refuse(const std::string& what, const std::vector<std::string>& changed) {
  std::string said = fmt::format("{} no longer holds, so nothing of it was run:", what);
  for (const auto& c : changed) said += "\n  - " + c;
  said += "\nmake a new plan (`retort plan -o FILE`) and review it";
  throw sdk::error(sdk::error_kind::input, said);
}

}  // namespace

project project::open(const fs::path& path, open_options options) {
  const fs::path file = fs::is_directory(path) ? path / "retort.toml" : path;
  return project(std::make_unique<impl>(file, true, std::move(options)));
}

project project::configure(const settings& s, open_options options) {
  // Written as the retort.toml it stands for and read as one, so it is checked as one.
  std::string text = fmt::format("script_location = {}\nversion_table = {}\nhistory_table = {}\n",
                                 toml_string(fs::absolute(s.script_location).string()), toml_string(s.version_table),
                                 toml_string(s.history_table));
  if (s.default_url) text += "default_url = " + toml_string(*s.default_url) + "\n";
  text += "plugins = " + toml_list(s.plugins) + "\n";
  text += fmt::format("transaction_mode = \"{}\"\n", s.atomic ? "all" : "per-migration");
  if (s.timeouts.lock_timeout) text += fmt::format("lock_timeout = {}\n", s.timeouts.lock_timeout->count());
  if (s.timeouts.statement_timeout) text += fmt::format("statement_timeout = {}\n", s.timeouts.statement_timeout->count());
  if (s.schema) text += "schema = " + toml_string(*s.schema) + "\n";
  if (!s.model.empty()) text += "model = " + toml_string(fs::absolute(s.model).string()) + "\n";
  return project(std::make_unique<impl>(parse_config(text, fs::current_path() / "(settings in code)"), std::move(options)));
}

project::project(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
project::project(project&&) noexcept = default;
project& project::operator=(project&&) noexcept = default;
project::~project() = default;

run_result project::upgrade(const std::string& target, const run_settings& how) {
  return migrate(*impl_, direction::up, target, how);
}

run_result project::downgrade(const std::string& target, const run_settings& how) {
  return migrate(*impl_, direction::down, target, how);
}

std::vector<std::string> project::current() {
  return ids_of(impl_->graph(), read_version_rows(impl_->graph(), impl_->store(), impl_->connection()).heads);
}

std::vector<revision_info> project::history() {
  const auto& g = impl_->graph();
  std::vector<revision_info> out;
  for (rev r = g.size(); r-- > 0;) {
    const migration& m = g.at(r);
    out.push_back({m.id, m.message, m.parents, m.depends_on, m.branch_labels, m.path, g.children(r).empty()});
  }
  return out;
}

namespace {

/// The plan file for `steps`, rendered from the version `rows` and `heads`, with what it was made for.
plan_file written_plan(project::impl& p, const std::vector<step>& steps, const version_rows& db, const std::string& target,
                       direction dir, bool atomic, const std::vector<rev>& to, bool revert) {
  const auto& g = p.graph();
  plan_file out = describe_plan(g, steps, db.rows);
  out.dialect = p.dialect().name();
  out.database = p.url().redacted();
  out.version_table = p.store().version_table();
  out.dir = dir;
  out.target = target;
  out.atomic = atomic || p.cfg().mode == transaction_mode::all;
  out.defaults = {p.cfg().lock_timeout, p.cfg().statement_timeout};
  out.heads_from = ids_of(g, db.heads);
  out.to = ids_of(g, to);
  out.revert = revert;
  return out;
}

}  // namespace

plan_file project::plan(const std::string& target, direction dir, bool atomic) {
  auto& p = *impl_;
  const auto r = p.render(target, dir);
  plan_file out = written_plan(p, r.steps, r.db, target, dir, atomic, r.to, r.revert);
  if (out.atomic) refuse_segments_in_atomic(p.graph(), r.steps);
  return out;
}

run_result project::apply(const plan_file& plan, const run_settings& how) {
  auto& p = *impl_;
  const std::string what = plan.source.empty() ? "the plan" : plan.source;
  // What can be told without the database first: the dialect, the files, the version table.
  const auto& g = p.graph();
  if (plan.dialect != p.dialect().name())
    throw sdk::error(sdk::error_kind::input, fmt::format("{} was made for {}, and the database URL names {}; plan "
                                                         "against this database",
                                                         what, plan.dialect, p.dialect().name()));
  if (const auto changed = files_changed(plan, g); !changed.empty()) refuse(what, changed);
  std::vector<rev> to;
  for (const auto& id : plan.to) {
    const rev* r = g.find(id);
    if (!r) refuse(what, {fmt::format("revision {}, where the plan goes, is no longer in the project", id)});
    to.push_back(*r);
  }
  if (plan.version_table != p.store().version_table())
    throw sdk::error(sdk::error_kind::input, fmt::format("{} was made for the version table {}; this project's is {}",
                                                         what, plan.version_table, p.store().version_table()));
  auto opts = options_for(p, how);
  opts.atomic = plan.atomic;
  // Under the lock, with the rows read there: the plan made again from them, with the project's
  // settings as they are now, must be the plan reviewed, field for field.
  target_planner planner(g, plan.dir, to, plan.revert);
  version_rows db;
  opts.approve = [&](const std::vector<std::string>& rows, const std::vector<step>& now) {
    db.rows = rows;
    const auto made = written_plan(p, now, db, plan.target, plan.dir, plan.atomic, to, planner.reverts());
    if (const auto changed = plan_changed(plan, made); !changed.empty()) refuse(what, changed);
  };
  auto result = run(
      p,
      [&](const std::vector<rev>& now) {
        if (const auto heads = ids_of(g, now); heads != plan.heads_from)
          refuse(what, {fmt::format("the database moved since the plan: it was at {}, it is at {} now",
                                    join(plan.heads_from, "base"), join(heads, "base"))});
        db.heads = now;
        return planner(now);
      },
      opts);
  if (plan.database != p.url().redacted())
    result.warnings.push_back(fmt::format("{} was made against {}; it was applied to {}, whose version rows were the "
                                          "plan's",
                                          what, plan.database, p.url().redacted()));
  return result;
}

}  // namespace retort
