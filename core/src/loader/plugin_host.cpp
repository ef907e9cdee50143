// plugin_host.cpp — finds, checks and loads plugins with Boost.DLL; never unloads them.
#include "plugin_host.hpp"

#include "../checked.hpp"

#include "../config.hpp"
#include "../text.hpp"

#include <retort/sdk/error.hpp>
#include <retort/sdk/plugin.hpp>

#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <dlfcn.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <fstream>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace retort {
namespace fs = std::filesystem;
namespace dll = boost::dll;

namespace {

/// The names in a 64-bit little-endian ELF file's dynamic symbol table (.dynsym), what dlsym sees
/// and what a stripped library (every distribution's package) still has; Boost.DLL's library_info
/// reads only .symtab, which strip removes. None when the file is not such an ELF file or its
/// tables do not fit in it: the caller asks library_info then, for its error.
std::optional<std::vector<std::string>> dynamic_symbols(const fs::path& file) {
  // Only the ELF header, the section headers and the two tables are read: a plugin with its debug
  // information is megabytes, and this runs before every plugin is loaded.
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  const auto file_size = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
  auto bytes = [&](std::uint64_t at, std::uint64_t n) -> std::optional<std::string> {
    if (at > file_size || n > file_size - at) return std::nullopt;
    std::string out(n, '\0');
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(out.data(), static_cast<std::streamsize>(n))) return std::nullopt;
    return out;
  };
  auto get = [](const std::string& from, std::size_t at, auto& v) { std::memcpy(&v, from.data() + at, sizeof v); };
  const auto header = bytes(0, 64);
  // e_ident: ELFCLASS64, ELFDATA2LSB.
  if (!header || header->compare(0, 4, "\x7f" "ELF") != 0 || (*header)[4] != 2 || (*header)[5] != 1) return std::nullopt;
  std::uint64_t shoff = 0;
  std::uint16_t shentsize = 0, shnum = 0;
  get(*header, 0x28, shoff);
  get(*header, 0x3a, shentsize);
  get(*header, 0x3c, shnum);
  if (shentsize != 64) return std::nullopt;
  const auto sections = bytes(shoff, std::uint64_t{shnum} * 64);
  if (!sections) return std::nullopt;
  struct section_header {
    std::uint32_t type = 0, link = 0;
    std::uint64_t offset = 0, size = 0, entsize = 0;
  };
  auto section = [&](std::uint64_t i) {
    section_header h;
    get(*sections, i * 64 + 4, h.type);
    get(*sections, i * 64 + 24, h.offset);
    get(*sections, i * 64 + 32, h.size);
    get(*sections, i * 64 + 40, h.link);
    get(*sections, i * 64 + 56, h.entsize);
    return h;
  };
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const section_header dynsym = section(i);
    if (dynsym.type != 11) continue;  // SHT_DYNSYM
    if (dynsym.entsize != 24 || dynsym.link >= shnum) return std::nullopt;
    const section_header strtab = section(dynsym.link);
    if (strtab.type != 3) return std::nullopt;  // SHT_STRTAB
    const auto syms = bytes(dynsym.offset, dynsym.size);
    const auto strs = bytes(strtab.offset, strtab.size);
    if (!syms || !strs) return std::nullopt;
    std::vector<std::string> names;
    for (std::size_t sym = 0; sym + 24 <= syms->size(); sym += 24) {
      std::uint32_t name = 0;
      get(*syms, sym, name);
      if (name == 0 || name >= strs->size()) continue;
      names.emplace_back(strs->c_str() + name, ::strnlen(strs->c_str() + name, strs->size() - name));
    }
    return names;
  }
  return std::nullopt;
}

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
  throw sdk::error(sdk::error_kind::plugin, fmt::format("plugin {} {}", file.string(), why));
}

/// The search path as the shell writes one: the directories, separated by ':'.
std::string path_list(const std::vector<fs::path>& dirs) {
  std::vector<std::string> out;
  for (const auto& d : dirs) out.push_back(d.string());
  return fmt::format("{}", fmt::join(out, ":"));
}

/// Registration lands here first; the host takes it only when the register function returned.
class staging_registry final : public sdk::registry {
 public:
  std::vector<std::unique_ptr<sdk::dialect>> dialects;
  std::vector<std::unique_ptr<sdk::operation_type>> operations;
  std::vector<std::tuple<std::string, std::string, std::unique_ptr<sdk::op_renderer>>> renderers;
  std::vector<std::pair<std::unique_ptr<sdk::hook>, std::uint32_t>> hooks;

  void add_dialect(std::unique_ptr<sdk::dialect> d) override {
    if (!d) throw std::invalid_argument("add_dialect(nullptr)");
    dialects.push_back(std::move(d));
  }
  void add_operation(std::unique_ptr<sdk::operation_type> op) override {
    if (!op) throw std::invalid_argument("add_operation(nullptr)");
    operations.push_back(std::move(op));
  }
  void add_renderer(std::string_view op, std::string_view dialect, std::unique_ptr<sdk::op_renderer> r) override {
    if (!r) throw std::invalid_argument("add_renderer(nullptr)");
    renderers.emplace_back(std::string(op), std::string(dialect), std::move(r));
  }
  void add_hook(std::unique_ptr<sdk::hook> h, std::uint32_t mask) override {
    if (!h) throw std::invalid_argument("add_hook(nullptr)");
    hooks.emplace_back(std::move(h), mask);
  }
  const sdk::value& settings() const override { return *settings_; }

  const sdk::value* settings_ = nullptr;  // set before the register function runs
  bool empty() const { return dialects.empty() && operations.empty() && renderers.empty() && hooks.empty(); }
};

struct loaded_plugin {
  dll::shared_library lib;  // first member: destroyed last, after every object it made
  fs::path file;
  std::string kind, name, version;
  staging_registry reg;
  std::vector<std::string> schemes;  // the dialects' schemes, read once
};

/// retort-<kind>-<name>.so → {kind, name}; empty kind when the name does not fit.
std::pair<std::string, std::string> split_file_name(const fs::path& file) {
  std::string stem = file.filename().string();
  const std::string prefix = "retort-", suffix = ".so";
  if (stem.size() <= prefix.size() + suffix.size() || stem.compare(0, prefix.size(), prefix) != 0 ||
      stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) != 0)
    return {};
  stem = stem.substr(prefix.size(), stem.size() - prefix.size() - suffix.size());
  auto dash = stem.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == stem.size()) return {};
  return {stem.substr(0, dash), stem.substr(dash + 1)};
}

/// The dialect plugin for a well-known scheme; other schemes try retort-dialect-<scheme>.so.
std::string dialect_plugin_for(const std::string& scheme) {
  static const std::map<std::string, std::string> known = {
      {"sqlite", "sqlite"}, {"postgresql", "postgres"}, {"postgres", "postgres"}, {"mysql", "mysql"}, {"mariadb", "mysql"}};
  auto it = known.find(scheme);
  return it == known.end() ? scheme : it->second;
}

using settings_map = std::map<std::string, sdk::value, std::less<>>;

std::unique_ptr<loaded_plugin> open_plugin(const fs::path& file, const settings_map& settings,
                                           std::vector<std::unique_ptr<loaded_plugin>>& refused) {
  auto [file_kind, file_name] = split_file_name(file);
  if (file_kind.empty()) refuse(file, "is not named retort-<kind>-<name>.so");

  // Before dlopen: the entry symbol's name carries the ABI major, so a plugin for another major
  // is refused without running any of its code (or its dependencies' static constructors).
  {
    char magic[4] = {};
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) refuse(file, std::string("cannot be read: ") + std::strerror(errno ? errno : EIO));  // a symlink loop, no permission
    if (!in.read(magic, 4) || std::memcmp(magic, "\x7f" "ELF", 4) != 0)
      refuse(file, "is not a shared library (no ELF header)");
  }
  std::vector<std::string> symbols;
  if (auto dynamic = dynamic_symbols(file)) {
    symbols = std::move(*dynamic);
  } else {
    try {
      dll::library_info info(file);
      symbols = info.symbols();
    } catch (const std::exception& e) {
      refuse(file, std::string("is not a shared library this system can load: ") + e.what());
    }
  }
  const std::string entry = RETORT_PLUGIN_ENTRY_NAME;
  if (std::find(symbols.begin(), symbols.end(), entry) == symbols.end()) {
    const std::string family = "retort_plugin_abi_";
    for (const auto& s : symbols)
      if (s.compare(0, family.size(), family) == 0)
        refuse(file, fmt::format("was built for SDK ABI {}; this retort speaks {} — rebuild it against retort-sdk {}.x",
                                 s.substr(family.size()), RETORT_SDK_ABI_MAJOR, RETORT_SDK_ABI_MAJOR));
    refuse(file, fmt::format("is not a retort plugin: it exports no `{}` entry symbol (a plugin declares one with "
                             "RETORT_PLUGIN(...) in src/plugin.cpp)",
                             entry));
  }

  auto p = std::make_unique<loaded_plugin>();
  p->file = file;
  try {
    // rtld_now: a missing symbol is an error here, not in the middle of a migration.
    p->lib.load(file, dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(file, std::string("cannot be loaded: ") + e.what());
  }
  // From here on the library stays loaded even when refused: never dlclose what ran. A second,
  // never-closed handle with RTLD_NODELETE keeps it mapped after shared_library's destructor runs
  // its dlclose at exit.
  ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  auto keep_and_refuse = [&](const std::string& why) {
    refused.push_back(std::move(p));
    refuse(file, why);
  };
  const retort_plugin_manifest* m = nullptr;
  try {
    m = p->lib.get_alias<retort_plugin_entry_fn>(entry)();
  } catch (const std::exception& e) {
    keep_and_refuse(std::string("has an entry symbol that cannot be called: ") + e.what());
  }
  constexpr std::uint32_t v1_size = offsetof(retort_plugin_manifest, register_plugin) + sizeof(void*);
  if (!m || m->struct_size < v1_size)
    keep_and_refuse(fmt::format("has a manifest of {} bytes; SDK ABI {} needs at least {}", m ? m->struct_size : 0,
                                RETORT_SDK_ABI_MAJOR, v1_size));
  // Copy what the messages need before anything else can go wrong.
  const std::string toolchain = m->toolchain ? m->toolchain : "";
  p->kind = m->kind ? m->kind : "";
  p->name = m->name ? m->name : "";
  p->version = m->version ? m->version : "";
  if (m->abi_major != RETORT_SDK_ABI_MAJOR)
    keep_and_refuse(fmt::format("declares SDK ABI {} in its manifest; this retort speaks {}", m->abi_major,
                                RETORT_SDK_ABI_MAJOR));
  if (m->abi_minor > RETORT_SDK_ABI_MINOR)
    keep_and_refuse(fmt::format("was built for SDK ABI {}.{}; this retort speaks {}.{} — upgrade retort, or rebuild "
                                "the plugin against this SDK",
                                m->abi_major, m->abi_minor, RETORT_SDK_ABI_MAJOR, RETORT_SDK_ABI_MINOR));
  if (toolchain != RETORT_SDK_TOOLCHAIN)
    keep_and_refuse(fmt::format("was built with toolchain `{}`; this retort was built with `{}` — rebuild it with the "
                                "same compiler and standard library settings",
                                toolchain, RETORT_SDK_TOOLCHAIN));
  if (p->kind != file_kind || p->name != file_name)
    keep_and_refuse(fmt::format("declares itself as {0} `{1}`, which does not match its file name; name it "
                                "retort-{0}-{1}.so",
                                p->kind, p->name));
  if (!m->register_plugin) keep_and_refuse("has no register function in its manifest");
  static const sdk::value no_settings(sdk::value_table{}, {});
  const auto own = settings.find(p->name);
  p->reg.settings_ = own == settings.end() ? &no_settings : &own->second;
  try {
    m->register_plugin(p->reg);
  } catch (const std::exception& e) {
    keep_and_refuse(std::string("failed to register: its register function threw: ") + e.what());
  } catch (...) {
    keep_and_refuse("failed to register: its register function threw a non-standard exception");
  }
  if (p->reg.empty()) keep_and_refuse("registered nothing (no dialect, operation, renderer or hook)");
  try {
    for (const auto& d : p->reg.dialects)
      for (auto& s : d->schemes()) p->schemes.push_back(std::move(s));
  } catch (const std::exception& e) {
    keep_and_refuse(std::string("failed to list its URL schemes: ") + e.what());
  }
  return p;
}

}  // namespace

struct plugin_host::impl {
  std::vector<fs::path> search_path;
  settings_map settings;
  std::vector<std::unique_ptr<loaded_plugin>> loaded;   // in load order
  std::vector<std::unique_ptr<loaded_plugin>> refused;  // kept loaded: their code may have run
  std::map<fs::path, std::string> refusals;             // file → why
  std::map<std::string, const sdk::dialect*, std::less<>> by_scheme;  ///< to the checked adapters
  std::vector<std::unique_ptr<checked_dialect>> checked;
  std::map<std::string, std::vector<fs::path>, std::less<>> scheme_claimants;
  /// Op name → its type, its plugin and the dialects it renders on.
  struct registered_op {
    const sdk::operation_type* type;
    op_origin origin;
  };
  std::map<std::string, registered_op, std::less<>> operations;
  std::map<std::pair<std::string, std::string>, const sdk::op_renderer*, std::less<>> renderers;

  bool is_loaded(const fs::path& file) const {
    return std::any_of(loaded.begin(), loaded.end(), [&](const auto& p) { return p->file == file; });
  }

  /// Loads and merges one file; a refusal is recorded and rethrown.
  void load(const fs::path& file) {
    if (auto it = refusals.find(file); it != refusals.end()) throw sdk::error(sdk::error_kind::plugin, it->second);
    if (is_loaded(file)) return;
    try {
      auto p = open_plugin(file, settings, refused);
      merge(std::move(p));
    } catch (const sdk::error& e) {
      refusals[file] = e.what();
      throw;
    }
  }

  void merge(std::unique_ptr<loaded_plugin> p) {
    // Check everything first, so a conflict leaves the host as it was.
    for (const auto& s : p->schemes)
      if (auto it = by_scheme.find(s); it != by_scheme.end()) {
        // Neither plugin gets the scheme: which one a URL meant cannot be known.
        by_scheme.erase(it);
        scheme_claimants[s].push_back(p->file);
        const auto& both = scheme_claimants[s];
        std::string why = fmt::format("plugins {} and {} both claim the URL scheme '{}'; remove one of them from the "
                                      "plugin path",
                                      both[0].string(), both[1].string(), s);
        refusals[both[0]] = why;
        refusals[both[1]] = why;
        refused.push_back(std::move(p));
        throw sdk::error(sdk::error_kind::plugin, why);
      }
    for (const auto& op : p->reg.operations) {
      std::string n = op->name();
      bool bad_name = n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
      std::string why = bad_name ? fmt::format("registers an operation named '{}'; names are [a-z_]+", n)
                        : builtin_operation_type(n) ? fmt::format("registers operation '{}', a built-in name", n)
                        : operations.count(n)       ? fmt::format("registers operation '{}', which plugin {} already "
                                                                  "registered; remove one of them from the plugin path",
                                                                  n, operations.at(n).origin.file)
                                                    : "";
      if (!why.empty()) {
        fs::path f = p->file;
        refused.push_back(std::move(p));
        refuse(f, why);
      }
    }
    for (const auto& renderer : p->reg.renderers) {
      const std::string& op = std::get<0>(renderer);
      const bool own = std::any_of(p->reg.operations.begin(), p->reg.operations.end(),
                                   [&](const auto& t) { return t->name() == op; });
      if (!own && !builtin_operation_type(op) && !operations.count(op)) {
        fs::path f = p->file;
        refused.push_back(std::move(p));
        refuse(f, fmt::format("registers a renderer for operation '{}', which neither retort nor a plugin loaded "
                              "before it defines",
                              op));
      }
    }
    for (const auto& d : p->reg.dialects) {
      // Everyone gets the dialect through the adapter, so every call into it is checked.
      checked.push_back(std::make_unique<checked_dialect>(*d, p->name));
      for (const auto& s : d->schemes()) {
        by_scheme[s] = checked.back().get();
        scheme_claimants[s].push_back(p->file);
      }
    }
    for (const auto& op : p->reg.operations) operations[op->name()] = {op.get(), {p->name, p->file.string(), {}}};
    for (const auto& [op, dialect, r] : p->reg.renderers) {
      renderers[{op, dialect}] = r.get();
      if (auto it = operations.find(op); it != operations.end()) it->second.origin.dialects.push_back(dialect);
    }
    loaded.push_back(std::move(p));
  }

  /// Files named retort-<kind>-*.so on the search path; the first of each name wins.
  std::vector<fs::path> files(const std::string& kind) const {
    std::vector<fs::path> out;
    std::set<std::string> seen;
    for (const auto& dir : search_path) {
      std::error_code ec;
      std::vector<fs::path> here;
      for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto [k, n] = split_file_name(it->path());
        if (!n.empty() && (kind.empty() || k == kind)) here.push_back(it->path());
      }
      std::sort(here.begin(), here.end());
      for (auto& f : here)
        if (seen.insert(f.filename().string()).second) out.push_back(f);
    }
    return out;
  }

  std::string claimed_schemes() const {
    return by_scheme.empty() ? "none" : join_each(by_scheme, [](const auto& entry) { return entry.first; });
  }
};

std::vector<fs::path> plugin_search_path(const std::vector<std::string>& flags, const config* cfg) {
  std::vector<fs::path> out;
  for (const auto& f : flags) out.push_back(fs::absolute(f).lexically_normal());
  if (const char* env = std::getenv("RETORT_PLUGIN_PATH"); env && *env) {
    std::string_view rest = env;
    while (true) {
      auto colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      if (part.empty())
        throw sdk::error(sdk::error_kind::usage,
                         "RETORT_PLUGIN_PATH has an empty component; separate directories with single ':'");
      out.push_back(fs::absolute(fs::path(part)).lexically_normal());
      if (colon == std::string_view::npos) break;
      rest = rest.substr(colon + 1);
    }
  }
  if (cfg) out.insert(out.end(), cfg->plugin_paths.begin(), cfg->plugin_paths.end());
  std::error_code ec;
  fs::path self = dll::program_location(ec);
  if (!ec) out.push_back((self.parent_path() / ".." / "lib" / "retort" / "plugins").lexically_normal());
  // Inside libretort.so (an application embedding retort), also where the library is installed:
  // lib/libretort.so beside lib/retort/plugins.
  std::error_code lib_ec;
  if (fs::path lib = dll::this_line_location(lib_ec); !lib_ec && lib != self)
    if (auto dir = (lib.parent_path() / "retort" / "plugins").lexically_normal();
        std::find(out.begin(), out.end(), dir) == out.end())
      out.push_back(dir);
  return out;
}

plugin_host::plugin_host(std::vector<fs::path> search_path, std::map<std::string, sdk::value, std::less<>> settings)
    : impl_(std::make_unique<impl>()) {
  impl_->search_path = std::move(search_path);
  impl_->settings = std::move(settings);
}

plugin_host::~plugin_host() = default;

const std::vector<fs::path>& plugin_host::search_path() const noexcept { return impl_->search_path; }

const sdk::dialect& plugin_host::dialect_for(const sdk::url& u) {
  auto& I = *impl_;
  auto known = [&]() -> const sdk::dialect* {
    if (auto it = I.scheme_claimants.find(u.scheme); it != I.scheme_claimants.end() && it->second.size() > 1)
      throw sdk::error(sdk::error_kind::plugin,
                       fmt::format("plugins {} and {} both claim the URL scheme '{}'; remove one of them from the "
                                   "plugin path",
                                   it->second[0].string(), it->second[1].string(), u.scheme));
    auto it = I.by_scheme.find(u.scheme);
    return it == I.by_scheme.end() ? nullptr : it->second;
  };
  if (auto* d = known()) return *d;
  // The file a well-known scheme lives in first; scan every dialect plugin only on a miss.
  const std::string wanted = fmt::format("retort-dialect-{}.so", dialect_plugin_for(u.scheme));
  for (const auto& dir : I.search_path)
    if (std::error_code ec; fs::exists(dir / wanted, ec)) {
      I.load(dir / wanted);
      if (auto* d = known()) return *d;
      break;
    }
  for (const auto& f : I.files("dialect")) {
    try {
      I.load(f);
    } catch (const sdk::error&) {
      known();  // a clash over this scheme is reported now; other refusals are for `retort plugins` to show
    }
  }
  if (auto* d = known()) return *d;
  throw sdk::error(sdk::error_kind::input,
                   fmt::format("unknown URL scheme '{}' in {}: the installed dialect plugins claim {} (plugin search "
                               "path: {}; `retort plugins` lists them)",
                               u.scheme, u.redacted(), I.claimed_schemes(), path_list(I.search_path)));
}

void plugin_host::load_named(const std::vector<std::string>& names) {
  auto& I = *impl_;
  for (const auto& n : names) {
    // A bare name is looked for as each kind; `hooks-audit-log` also names the kind.
    std::vector<std::string> candidates = {fmt::format("retort-ops-{}.so", n), fmt::format("retort-hooks-{}.so", n),
                                           fmt::format("retort-dialect-{}.so", n)};
    if (plugin_name(n) != n) candidates.insert(candidates.begin(), fmt::format("retort-{}.so", n));
    bool found = false;
    for (const auto& dir : I.search_path) {
      for (const auto& c : candidates)
        if (std::error_code ec; fs::exists(dir / c, ec)) {
          I.load(dir / c);
          found = true;
          break;
        }
      if (found) break;
    }
    if (!found) {
      throw sdk::error(sdk::error_kind::plugin,
                       fmt::format("plugin '{}' (listed in retort.toml) was not found: looked for {} in {}", n,
                                   fmt::join(candidates, ", "), path_list(I.search_path)));
    }
  }
}

void plugin_host::load_file(const fs::path& file) { impl_->load(fs::absolute(file).lexically_normal()); }

std::vector<plugin_report> plugin_host::scan() {
  auto& I = *impl_;
  std::vector<plugin_report> out;
  std::set<std::string> seen;
  for (const auto& dir : I.search_path) {
    std::error_code ec;
    std::vector<fs::path> here;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().filename().string().rfind("retort-", 0) == 0 && it->path().extension() == ".so")
        here.push_back(it->path());
    std::sort(here.begin(), here.end());
    for (const auto& f : here) {
      plugin_report r;
      r.file = f;
      if (!seen.insert(f.filename().string()).second) {
        r.status = plugin_report::state::shadowed;
        r.reason = "a file of the same name comes earlier on the search path";
        out.push_back(std::move(r));
        continue;
      }
      try {
        I.load(f);
        r.status = plugin_report::state::loaded;
      } catch (const sdk::error& e) {
        r.reason = e.what();
      }
      for (const auto& p : I.loaded)
        if (p->file == f) {
          r.kind = p->kind;
          r.name = p->name;
          r.version = p->version;
          r.schemes = p->schemes;
          for (const auto& op : p->reg.operations) r.operations.push_back(op->name());
          for (const auto& [h, mask] : p->reg.hooks) r.hooks.push_back(h->name());
        }
      out.push_back(std::move(r));
    }
  }
  // A plugin that loaded can be refused later, when another claims one of its schemes.
  for (auto& r : out)
    if (auto it = I.refusals.find(r.file); it != I.refusals.end() && r.status == plugin_report::state::loaded) {
      r.status = plugin_report::state::refused;
      r.reason = it->second;
    }
  return out;
}

const sdk::operation_type* plugin_host::find_operation(std::string_view name) const {
  if (const auto* t = builtin_operation_type(name)) return t;
  auto it = impl_->operations.find(name);
  return it == impl_->operations.end() ? nullptr : it->second.type;
}

const sdk::op_renderer* plugin_host::find_renderer(std::string_view op, std::string_view dialect) const {
  auto it = impl_->renderers.find(std::pair<std::string, std::string>(op, dialect));
  return it == impl_->renderers.end() ? nullptr : it->second;
}

const op_origin* plugin_host::origin(std::string_view op) const {
  auto it = impl_->operations.find(op);
  return it == impl_->operations.end() ? nullptr : &it->second.origin;
}

std::vector<std::pair<sdk::hook*, std::uint32_t>> plugin_host::hooks() const {
  std::vector<std::pair<sdk::hook*, std::uint32_t>> out;
  for (const auto& p : impl_->loaded)
    for (const auto& [h, mask] : p->reg.hooks) out.emplace_back(h.get(), mask);
  return out;
}

}  // namespace retort
