// test.cpp — `retort test [[A:]B]`: each migration up, down and up again on a throw-away database
// (a temporary SQLite file, or a database of its own on the server the URL names), with the schema
// after each downgrade compared with the one before its upgrade. Exit 3 when a downgrade does not
// give the schema back, 1 when a migration fails.
#include "../cli.hpp"

#include "model.hpp"
#include "runner.hpp"
#include "state.hpp"
#include "target.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <random>

namespace retort::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

std::string random_name() {
  std::random_device rd;
  return fmt::format("retort_test_{:08x}", rd());
}

/// A database made for the test and gone after it, whatever happens in between.
class throwaway {
 public:
  explicit throwaway(context& ctx) : d_(ctx.dialect()), url_(ctx.url()) {
    name_ = random_name();
    if (url_.scheme == "sqlite") {
      file_ = fs::temp_directory_path() / (name_ + ".db");
      url_.database = file_.string();
    } else {
      admin_ = &ctx.connection();
      admin_->execute("CREATE DATABASE " + d_.quote_identifier(name_));
      url_.database = name_;
    }
    conn_ = d_.connect(url_);
  }
  ~throwaway() {
    conn_.reset();
    try {
      if (admin_) admin_->execute("DROP DATABASE " + d_.quote_identifier(name_));
      if (!file_.empty()) {
        std::error_code ec;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(file_.string() + suffix, ec);
      }
    } catch (...) {
    }
  }
  throwaway(const throwaway&) = delete;
  throwaway& operator=(const throwaway&) = delete;

  sdk::connection& conn() { return *conn_; }
  std::string where() const { return url_.redacted(); }

 private:
  const sdk::dialect& d_;
  sdk::url url_;
  std::string name_;
  fs::path file_;
  sdk::connection* admin_ = nullptr;
  std::unique_ptr<sdk::connection> conn_;
};

}  // namespace

int cmd_test(context& ctx) {
  po::options_description own("retort test [[A:]B]");
  own.add_options()("range", po::value<std::string>()->default_value(""),
                    "B, or A:B: the migrations to test (default: those the database lacks, up to the heads; base:head "
                    "for all)");
  po::positional_options_description pos;
  pos.add("range", 1);
  auto vm = ctx.parse(own, pos);
  const revision_graph& g = ctx.graph();
  const std::string range = vm["range"].as<std::string>();
  std::vector<rev> start, stop = g.heads();
  if (const auto colon = range.find(':'); colon != std::string::npos) {
    start = resolve_target(g, range.substr(0, colon), {});
    stop = resolve_target(g, range.substr(colon + 1), {});
  } else {
    // No database yet lacks every migration; reading it would leave an empty file behind.
    const auto& url = ctx.url();
    if (url.scheme != "sqlite" || url.database == ":memory:" || fs::exists(url.database)) start = ctx.db_heads();
    if (!range.empty()) stop = resolve_target(g, range, start);
  }
  const auto order = plan_upgrade(g, start, stop);
  if (order.empty()) {
    ctx.note(fmt::format("Nothing to test: no migration between {} and {}.", join(ids_of(g, start), "base"),
                         join(ids_of(g, stop), "base")));
    return 0;
  }

  throwaway db(ctx);
  const config& cfg = ctx.cfg();
  version_store store(ctx.dialect(), cfg.version_table, cfg.history_table, ctx.schema());
  store.locate(db.conn());
  // No hooks: an audit log or a policy is for the real database, and every downgrade here is meant.
  runner rn(g, ctx.dialect(), db.conn(), store, ctx.plugins(), {});
  run_options opts;
  opts.defaults = {cfg.lock_timeout, cfg.statement_timeout};
  opts.lock_timeout = ctx.global.lock_timeout;
  opts.url = db.where();
  opts.allow_destructive = true;
  auto schema_now = [&] {
    sdk::schema s = db.conn().introspect();
    for (const auto& t : {cfg.version_table, cfg.history_table}) s.tables.erase(t);
    return s;
  };
  auto up_to = [&](std::vector<rev> target) { rn.run([&](const std::vector<rev>& now) { return plan_upgrade(g, now, target); }, opts); };

  ctx.note(fmt::format("Testing {} migration(s) up, down and up again on a throw-away database, {}.", order.size(),
                       db.where()));
  if (!start.empty()) up_to(start);
  std::size_t tested = 0;
  for (const auto& s : order) {
    const migration& m = g.at(s.r);
    const std::string label = m.message.empty() ? m.id : m.id + "  " + m.message;
    const sdk::schema before = schema_now();
    up_to({s.r});
    rn.run([&](const std::vector<rev>& now) { return plan_revert(g, now, {s.r}); }, opts);
    const auto differences = lines_of(diff_schemas(before, schema_now(), &ctx.dialect(), true));
    ++tested;
    if (!differences.empty()) {
      // What the downgrade left would be in the way of the upgrade again, and of those after it.
      ctx.out << fmt::format("FAIL  {}: the downgrade does not give the schema back (`+` it had before the upgrade "
                             "and lacks after the downgrade, `-` the downgrade left):\n",
                             label);
      for (const auto& d : differences) ctx.out << "        " << d << "\n";
      ctx.note(fmt::format("{} does not come down as it went up; {} migration(s) after it were not tested.", m.id,
                           order.size() - tested));
      return 3;
    }
    up_to({s.r});
    ctx.out << "ok    " << label << "\n";
  }
  ctx.note(fmt::format("All {} migration(s) went up, came down to the schema before them, and went up again.",
                       order.size()));
  return 0;
}

}  // namespace retort::cli
