// loader_test.cpp — plugins built wrong on purpose are refused with the file named and what was
// found against what was expected; a refused plugin leaves nothing registered.
#include "loader/plugin_host.hpp"
#include "url.hpp"

#include <retort/sdk/abi.hpp>
#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;
using retort::plugin_host;

namespace {

fs::path fixture(const std::string& c, const std::string& name) {
  return fs::path(FIXTURE_DIR) / c / ("retort-dialect-" + name + ".so");
}

/// Loading the fixture's file: the refusal's message (or "" when it loaded).
std::string refusal(const std::string& c, const std::string& name) {
  plugin_host host({fs::path(FIXTURE_DIR) / c});
  try {
    host.load_file(fixture(c, name));
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(e.kind(), retort::sdk::error_kind::plugin);
    return e.what();
  }
  return "";
}

void expect_all(const std::string& text, std::initializer_list<std::string> parts) {
  for (const auto& p : parts) EXPECT_NE(text.find(p), std::string::npos) << "missing '" << p << "' in: " << text;
}

}  // namespace

TEST(loader, a_good_plugin_loads_and_claims_its_scheme) {
  EXPECT_EQ(refusal("good", "fixture"), "");
  plugin_host host({fs::path(FIXTURE_DIR) / "good"});
  EXPECT_EQ(host.dialect_for(retort::parse_url("fixture://x")).name(), "fixture");
}

// Every distribution strips the libraries it packages (cpack -G DEB too): .symtab goes, .dynsym stays.
TEST(loader, a_stripped_plugin_loads_and_a_stripped_one_of_another_abi_is_still_told_apart) {
  const fs::path dir = fs::temp_directory_path() / ("retort-stripped-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const auto& [from, name] : {std::pair{"good", "fixture"}, std::pair{"abi1", "abi1"}}) {
    const fs::path to = dir / ("retort-dialect-" + std::string(name) + ".so");
    fs::copy_file(fixture(from, name), to, fs::copy_options::overwrite_existing);
    ASSERT_EQ(std::system(("strip --strip-all " + to.string()).c_str()), 0);
  }
  plugin_host host({dir});
  EXPECT_NO_THROW(host.load_file(dir / "retort-dialect-fixture.so"));
  EXPECT_EQ(host.dialect_for(retort::parse_url("fixture://x")).name(), "fixture");
  try {
    host.load_file(dir / "retort-dialect-abi1.so");
    ADD_FAILURE() << "an ABI-1 plugin loaded";
  } catch (const retort::sdk::error& e) {
    expect_all(e.what(), {"built for SDK ABI 1", "this retort speaks 2"});
  }
  fs::remove_all(dir);
}

TEST(loader, another_abi_major_is_refused_before_dlopen) {
  expect_all(refusal("abi1", "abi1"), {fixture("abi1", "abi1").string(), "built for SDK ABI 1", "this retort speaks 2",
                                       "rebuild it against retort-sdk 2.x"});
}

const std::string host_abi = std::to_string(RETORT_SDK_ABI_MAJOR) + "." + std::to_string(RETORT_SDK_ABI_MINOR);

TEST(loader, a_newer_abi_minor_is_refused) {
  const std::string newer = std::to_string(RETORT_SDK_ABI_MAJOR) + "." + std::to_string(RETORT_SDK_ABI_MINOR + 1);
  expect_all(refusal("minor", "minor"), {fixture("minor", "minor").string(), "built for SDK ABI " + newer,
                                         "this retort speaks " + host_abi, "upgrade retort"});
}

TEST(loader, a_plugin_for_an_older_minor_loads) {
  // Built for 1.0: it uses only what 1.0 had, and every 1.x host still has that.
  EXPECT_EQ(refusal("oldminor", "oldminor"), "");
}

/// Loading the ops plugins of `dir` in order: the refusal of the last one, or "".
std::string ops_refusal(const std::string& dir, std::initializer_list<std::string> names) {
  plugin_host host({fs::path(FIXTURE_DIR) / dir});
  std::string last;
  for (const auto& n : names) {
    try {
      host.load_file(fs::path(FIXTURE_DIR) / dir / ("retort-ops-" + n + ".so"));
      last.clear();
    } catch (const retort::sdk::error& e) {
      EXPECT_EQ(e.kind(), retort::sdk::error_kind::plugin);
      last = e.what();
    }
  }
  return last;
}

TEST(loader, a_duplicate_operation_name_is_refused_naming_both_plugins) {
  const auto dir = fs::path(FIXTURE_DIR) / "opdup";
  expect_all(ops_refusal("opdup", {"firstops", "secondops"}),
             {(dir / "retort-ops-secondops.so").string(), "registers operation 'make_thing'",
              (dir / "retort-ops-firstops.so").string()});
}

TEST(loader, a_built_in_operation_name_is_refused) {
  expect_all(ops_refusal("opbuiltin", {"builtinops"}), {"retort-ops-builtinops.so", "'create_table', a built-in name"});
}

TEST(loader, an_operation_name_outside_a_to_z_and_underscore_is_refused) {
  expect_all(ops_refusal("opname", {"badnameops"}), {"retort-ops-badnameops.so", "'Make-Thing'", "[a-z_]+"});
}

TEST(loader, a_renderer_for_an_operation_nobody_defines_is_refused) {
  expect_all(ops_refusal("oprender", {"renderops"}),
             {"retort-ops-renderops.so", "renderer for operation 'nothing_defines_this'"});
}

TEST(loader, a_renderer_for_a_built_in_operation_is_taken) {
  plugin_host host({fs::path(FIXTURE_DIR) / "opbuiltinrender"});
  host.load_file(fs::path(FIXTURE_DIR) / "opbuiltinrender" / "retort-ops-builtinrenderops.so");
  EXPECT_NE(host.find_renderer("drop_table", "sqlite"), nullptr);
  EXPECT_EQ(host.find_renderer("drop_table", "postgresql"), nullptr);
  ASSERT_TRUE(host.origin("make_thing"));
  EXPECT_EQ(host.origin("make_thing")->plugin, "builtinrenderops");
  EXPECT_FALSE(host.origin("drop_table"));  // still the built-in's
}

TEST(loader, another_toolchain_tag_is_refused) {
  expect_all(refusal("toolchain", "toolchain"),
             {fixture("toolchain", "toolchain").string(), "sparc-solaris-libfoo", RETORT_SDK_TOOLCHAIN});
}

TEST(loader, a_library_without_the_entry_symbol_is_not_a_plugin) {
  expect_all(refusal("noentry", "noentry"), {fixture("noentry", "noentry").string(), "not a retort plugin", "retort_plugin_abi_2"});
}

TEST(loader, a_file_that_is_not_a_library_is_refused) {
  expect_all(refusal("junk", "junk"), {fixture("junk", "junk").string(), "not a shared library (no ELF header)"});
}

TEST(loader, a_register_function_that_throws_leaves_nothing_registered) {
  expect_all(refusal("throws", "throws"), {fixture("throws", "throws").string(), "boom from the fixture's register function"});
  plugin_host host({fs::path(FIXTURE_DIR) / "throws"});
  for (int attempt = 0; attempt < 2; ++attempt) {  // the second time from the record of the refusal
    try {
      host.dialect_for(retort::parse_url("throws://x"));
      FAIL() << "the refused plugin's dialect was registered";
    } catch (const retort::sdk::error& e) {
      expect_all(e.what(), {"failed to register", "boom"});
    }
  }
  auto reports = host.scan();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status, retort::plugin_report::state::refused);
  EXPECT_TRUE(reports[0].schemes.empty());
}

TEST(loader, a_plugin_that_registers_nothing_is_refused) {
  expect_all(refusal("empty", "empty"), {fixture("empty", "empty").string(), "registered nothing"});
}

TEST(loader, a_name_that_does_not_match_the_file_is_refused) {
  expect_all(refusal("mismatch", "mismatch"), {"somebody_else", "retort-dialect-somebody_else.so"});
}

TEST(loader, a_missing_dependency_symbol_is_found_at_load_time) {
  expect_all(refusal("missing", "missing"),
             {fixture("missing", "missing").string(), "cannot be loaded", "retort_fixture_symbol_nobody_defines"});
}

TEST(loader, two_plugins_claiming_one_scheme_are_both_named) {
  plugin_host host({fs::path(FIXTURE_DIR) / "dup"});
  try {
    host.dialect_for(retort::parse_url("dup://x"));
    FAIL();
  } catch (const retort::sdk::error& e) {
    expect_all(e.what(), {fixture("dup", "dupa").string(), fixture("dup", "dupb").string(), "both claim the URL scheme 'dup'"});
  }
}

TEST(loader, both_plugins_claiming_one_scheme_are_reported_refused) {
  plugin_host host({fs::path(FIXTURE_DIR) / "dup"});
  auto reports = host.scan();
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& r : reports) {
    EXPECT_EQ(r.status, retort::plugin_report::state::refused) << r.file;
    EXPECT_NE(r.reason.find("both claim the URL scheme 'dup'"), std::string::npos) << r.reason;
  }
}

TEST(loader, a_loaded_plugin_stays_mapped_after_its_host_is_gone) {
  const fs::path file = fixture("good", "fixture");
  {
    plugin_host host({fs::path(FIXTURE_DIR) / "good"});
    host.load_file(file);
  }
  // RTLD_NOLOAD finds it only if it is still mapped: never dlclose'd for real.
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(handle, nullptr);
  if (handle) ::dlclose(handle);
}

TEST(loader, an_unknown_scheme_lists_what_the_plugins_claim) {
  plugin_host host({fs::path(FIXTURE_DIR) / "good", fs::path(RETORT_PLUGIN_DIR)});
  try {
    host.dialect_for(retort::parse_url("oracle://scott:tiger@h/db"));
    FAIL();
  } catch (const retort::sdk::error& e) {
    std::string msg = e.what();
    expect_all(msg, {"unknown URL scheme 'oracle'", "fixture", "sqlite", "oracle://scott:***@h/db"});
    EXPECT_EQ(msg.find("tiger"), std::string::npos);
  }
}

TEST(loader, only_the_needed_dialect_is_loaded) {
  // The sqlite plugin is found by its file name; the broken fixtures beside it are never opened.
  plugin_host host({fs::path(FIXTURE_DIR) / "throws", fs::path(RETORT_PLUGIN_DIR)});
  EXPECT_EQ(host.dialect_for(retort::parse_url("sqlite://")).name(), "sqlite");
}

TEST(loader, scan_reports_loaded_refused_and_shadowed) {
  plugin_host host({fs::path(FIXTURE_DIR) / "abi1", fs::path(FIXTURE_DIR) / "good", fs::path(FIXTURE_DIR) / "good"});
  auto reports = host.scan();
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].status, retort::plugin_report::state::refused);
  EXPECT_NE(reports[0].reason.find("SDK ABI 1"), std::string::npos);
  EXPECT_EQ(reports[1].status, retort::plugin_report::state::loaded);
  EXPECT_EQ(reports[1].schemes, std::vector<std::string>{"fixture"});
  EXPECT_EQ(reports[1].version, "9.9.9");
  EXPECT_EQ(reports[2].status, retort::plugin_report::state::shadowed);
}

TEST(loader, an_empty_component_in_the_environment_path_is_an_error) {
  ::setenv("RETORT_PLUGIN_PATH", "/a::/b", 1);
  EXPECT_THROW(retort::plugin_search_path({}, nullptr), retort::sdk::error);
  ::setenv("RETORT_PLUGIN_PATH", "/a:/b", 1);
  auto path = retort::plugin_search_path({"/flag"}, nullptr);
  ::unsetenv("RETORT_PLUGIN_PATH");
  ASSERT_GE(path.size(), 4u);
  EXPECT_EQ(path[0], "/flag");
  EXPECT_EQ(path[1], "/a");
  EXPECT_EQ(path[2], "/b");
  EXPECT_EQ(path.back().filename(), "plugins");
}

TEST(loader, whatever_a_dialect_throws_comes_out_as_an_error_naming_its_plugin) {
  // The loader hands out the checked adapter: an int thrown by connect() and a std::out_of_range
  // from timeout_sql() both arrive as sdk::error, with the plugin's name.
  plugin_host host({fs::path(FIXTURE_DIR) / "wild"});
  const auto& d = host.dialect_for(retort::parse_url("wild://somewhere"));
  try {
    d.connect(retort::parse_url("wild://somewhere"));
    ADD_FAILURE() << "connect() did not throw";
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(std::string(e.what()), "the wild plugin threw an exception that is not a std::exception");
    EXPECT_EQ(e.kind(), retort::sdk::error_kind::plugin);
  }
  try {
    d.timeout_sql("lock_timeout", std::nullopt);
    ADD_FAILURE() << "timeout_sql() did not throw";
  } catch (const retort::sdk::error& e) {
    EXPECT_EQ(std::string(e.what()), "the wild plugin failed: a vendor's own bug");
  }
}
