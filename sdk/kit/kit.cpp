// kit.cpp — fresh databases, project directories, and looking at the database through the
// dialect's own connection.
#include "kit.hpp"

#include "url.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

namespace retort::kit {

context& kit() {
  static context c;
  return c;
}

// --- temp_dir --------------------------------------------------------------------------------------

temp_dir::temp_dir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("retort-kit-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

// --- database --------------------------------------------------------------------------------------

database::database(const fs::path& dir) {
  static int counter = 0;
  // Lower-case letters, digits and '_' need no quoting anywhere; the process id keeps two kits
  // on one server apart.
  name_ = "retort_kit_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  if (const auto max = kit().caps.max_identifier_length; max && name_.size() > max) name_ = name_.substr(name_.size() - max);
  url_ = fill(kit().opts.file.url, dir, name_);
  if (kit().opts.file.admin_url) {
    on_admin(kit().opts.file.drop, true);  // left over from a kit that was killed
    on_admin(kit().opts.file.create, false);
  }
}

database::~database() {
  conn_.reset();
  if (kit().opts.file.admin_url) {
    try {
      on_admin(kit().opts.file.drop, false);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping the test database " << name_ << ": " << e.what();
    }
  }
}

void database::on_admin(const std::vector<std::string>& statements, bool ignore_errors) const {
  const sdk::url admin = parse_url(*kit().opts.file.admin_url);
  auto session = kit().host->dialect_for(admin).connect(admin);
  for (const auto& s : statements) {
    try {
      session->execute(fill(s, {}, name_));
    } catch (const std::exception&) {
      if (!ignore_errors) throw;
    }
  }
}

sdk::connection& database::conn() {
  if (!conn_) conn_ = connect();
  return *conn_;
}

std::unique_ptr<sdk::connection> database::connect() const {
  const sdk::url u = parse_url(url_);
  return kit().host->dialect_for(u).connect(u);
}

// --- project ---------------------------------------------------------------------------------------

project::project() : db_(dir_.path()) {
  fs::create_directories(dir_.path() / "migrations" / "versions");
  std::ofstream(dir_.path() / "retort.toml") << "script_location = \"migrations\"\n";
}

void project::migration(const std::string& file, const std::string& toml) const {
  std::ofstream(dir_.path() / "migrations" / "versions" / (file + ".toml"), std::ios::binary) << toml;
}

std::vector<std::string> project::global_args() const {
  std::vector<std::string> args = {"--url", db_.url()};
  for (const auto& p : kit().opts.plugin_paths) {
    args.push_back("--plugin-path");
    args.push_back(fs::absolute(p).string());
  }
  return args;
}

result project::retort(const std::vector<std::string>& args) const { return start(args)->wait(); }

std::unique_ptr<process> project::start(const std::vector<std::string>& args) const {
  std::vector<std::string> all = global_args();
  all.insert(all.end(), args.begin(), args.end());
  return std::make_unique<process>(kit().opts.retort, dir_.path(), all);
}

std::vector<std::string> project::column(const std::string& sql, const std::vector<sdk::param>& params) {
  std::vector<std::string> out;
  try {
    for (const auto& r : conn().query(sql, params)) out.push_back(r.empty() ? "" : r[0].value_or("NULL"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << sql << ": " << e.what();
  }
  return out;
}

std::vector<std::string> project::versions() {
  auto v = column("SELECT version_num FROM retort_version");
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> project::tables() {
  std::vector<std::string> out;
  try {
    for (const auto& [name, t] : conn().introspect().tables) out.push_back(name);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "introspect(): " << e.what();
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<sdk::error> project::refused(const std::string& sql) {
  try {
    conn().execute(sql);
  } catch (const sdk::error& e) {
    EXPECT_EQ(e.kind(), sdk::error_kind::database) << sql << ": refused with an error of another kind: " << e.what();
    EXPECT_NE(std::string(e.what()), "") << sql << ": refused with an empty message";
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << sql << ": threw something other than sdk::error (the core would not know its kind): " << e.what();
    return std::nullopt;
  }
  ADD_FAILURE() << sql << ": ran, but the schema should have refused it";
  return std::nullopt;
}

bool project::runs(const std::string& sql) {
  try {
    conn().execute(sql);
    return true;
  } catch (const std::exception& e) {
    ADD_FAILURE() << sql << ": " << e.what();
    return false;
  }
}

// --- describe --------------------------------------------------------------------------------------

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string cols(const std::vector<std::string>& v) {
  std::string out = "(";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + ")";
}

}  // namespace

std::string describe(const sdk::schema& s, const std::set<std::string>& declared_names) {
  auto named = [&](const std::string& n) { return declared_names.count(n) ? n : std::string("*"); };
  std::ostringstream out;
  for (const auto& [name, t] : s.tables) {
    if (name == "retort_version" || name == "retort_history") continue;
    out << "table " << name << "\n";
    std::vector<std::string> pk = t.primary_key;
    for (const auto& c : t.columns) {
      out << "  column " << c.name << (c.nullable ? " null" : " not null") << "\n";
      if (t.primary_key.empty() && c.primary_key) pk.push_back(c.name);
    }
    if (!pk.empty()) out << "  primary key " << cols(pk) << "\n";
    std::vector<std::string> lines;
    for (const auto& ix : t.indexes)
      lines.push_back(std::string(ix.unique ? "  unique index " : "  index ") + ix.name + " " + cols(ix.columns));
    for (const auto& c : t.columns)
      if (c.unique) lines.push_back("  unique * " + cols({c.name}));
    for (const auto& u : t.uniques) lines.push_back("  unique " + named(u.name) + " " + cols(u.columns));
    for (const auto& ck : t.checks) lines.push_back("  check " + named(ck.name));
    for (const auto& fk : t.foreign_keys)
      lines.push_back("  foreign key " + named(fk.name) + " " + cols(fk.columns) + " -> " + fk.ref_table + " " +
                      cols(fk.ref_columns) + (fk.on_delete ? " on delete " + lower(*fk.on_delete) : ""));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) out << l << "\n";
  }
  return out.str();
}

// --- alterations -----------------------------------------------------------------------------------

alteration_outcome upgrade_with_alteration(project& p, const std::string& target, const std::string& what) {
  const auto versions_before = p.versions();
  const std::string schema_before = describe(p.conn().introspect(), {});
  auto r = p.retort({"upgrade", target});
  if (r.code == 0) return {true, std::nullopt};
  const std::string& name = kit().dialect->name();
  if (kit().caps.alter_column) {
    ADD_FAILURE() << name << " declares in-place ALTER (caps().alter_column), but the upgrade using " << what
                  << " failed (exit " << r.code << "):\n" << r.err;
    return {};
  }
  // No in-place ALTER and no rebuild: the refusal must leave the database as it was.
  EXPECT_TRUE(r.code == 1 || r.code == 2) << what << ": exit " << r.code << "\n" << r.err;
  EXPECT_EQ(p.versions(), versions_before) << "a failed upgrade using " << what << " moved the version table";
  if (kit().caps.transactional_ddl) {
    EXPECT_EQ(describe(p.conn().introspect(), {}), schema_before)
        << "a failed upgrade using " << what << " left changes behind, though the dialect declares transactional DDL";
  }
  if (kit().opts.all_operations) {
    ADD_FAILURE() << "--all-operations: " << name << " could not do " << what << " (exit " << r.code << "):\n" << r.err;
    return {};
  }
  if (::testing::Test::HasFailure()) return {};
  // retort's message on one line: what failed, the statement, the database's words.
  std::string said;
  for (std::size_t at = 0; at < r.err.size();) {
    auto nl = r.err.find('\n', at);
    std::string line = r.err.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? r.err.size() : nl + 1;
    line.erase(0, line.find_first_not_of(' '));
    if (!line.empty()) said += (said.empty() ? "" : " | ") + line;
  }
  if (said.size() > 400) said = said.substr(0, 400) + "…";
  return {false, name + " cannot do " + what + " (caps().alter_column is false and the table is not rebuilt); " +
                     "the failure left the database as it was. retort said: " + said};
}

std::string toml_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
  return out + "]";
}

}  // namespace retort::kit
