// main.cpp — the retort command line: global options, the command, and exit codes.
#include "cli.hpp"
#include "terminal.hpp"
#include "redact.hpp"
#include "text.hpp"
#include "runner.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options/errors.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace {

using namespace retort;

const char* kind_name(sdk::error_kind k) {
  switch (k) {
    case sdk::error_kind::usage: return "usage";
    case sdk::error_kind::input: return "input";
    case sdk::error_kind::plugin: return "plugin";
    case sdk::error_kind::database: return "database";
    case sdk::error_kind::lock: return "lock";
  }
  return "unknown";
}

/// With --json, an error is also a JSON object on stdout; a failed run says where it stopped and
/// what ran before.
void json_error(std::ostream& out, const std::string& message, const sdk::error* e) {
  out << "{\"error\": {\"message\": " << cli::json_string(message);
  if (e) {
    out << ", \"kind\": " << cli::json_string(kind_name(e->kind())) << ", \"exit_code\": " << exit_code(e->kind());
    if (!e->sqlstate().empty()) out << ", \"sqlstate\": " << cli::json_string(e->sqlstate());
    if (const auto* f = dynamic_cast<const run_failure*>(e))
      out << ", \"revision\": " << cli::json_string(f->revision) << ", \"direction\": " << cli::json_string(to_string(f->dir))
          << ", \"statement\": " << f->statement << ", \"statements\": " << f->statements
          << ", \"vetoed\": " << (f->vetoed ? "true" : "false")
          << ", \"statement_sql\": " << cli::json_string(redact(f->statement_sql)) << "}, \"ran\": " << cli::run_json(f->so_far)
          << "}\n";
    else out << "}}\n";
  } else {
    out << ", \"kind\": \"usage\", \"exit_code\": 2}}\n";
  }
}

void usage(std::ostream& out) {
  out << "usage: retort [-c retort.toml] [--url URL] [--plugin-path DIR] [-v|-q] [--json] [--no-color] COMMAND [ARGS]\n\n"
         "commands:\n";
  for (const auto& c : cli::commands()) {
    std::string name = c.name;
    if (name[0] == '_') continue;  // for the completion scripts, not for people
    out << "  " << name << std::string(12 - std::min<std::size_t>(name.size(), 11), ' ') << c.summary << "\n";
  }
  out << "\n`retort COMMAND --help` shows a command's options. The database URL comes from --url, else\n"
         "DATABASE_URL, else default_url in retort.toml; its scheme picks the dialect plugin.\n";
}

/// Global options that take a value, so their value is not mistaken for the command.
bool takes_value(const std::string& a) {
  return a == "-c" || a == "--config" || a == "--url" || a == "--plugin-path" || a == "--lock-timeout";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> before, after;
  std::string name;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!name.empty()) after.push_back(a);
    else if (!a.empty() && a[0] == '-') {
      before.push_back(a);
      if (takes_value(a) && i + 1 < argc) before.push_back(argv[++i]);
    } else name = a;
  }
  if (name.empty()) {
    bool version = false;
    for (const auto& a : before) version = version || a == "--version";
    if (version) {
      std::cout << "retort " << RETORT_VERSION << " (SDK ABI " << RETORT_SDK_ABI_MAJOR << "." << RETORT_SDK_ABI_MINOR
                << ", " << RETORT_SDK_TOOLCHAIN << ")\n";
      return 0;
    }
    bool help = false;
    for (const auto& a : before) help = help || a == "-h" || a == "--help";
    usage(help ? std::cout : std::cerr);
    return help ? 0 : 2;
  }
  const cli::command* cmd = nullptr;
  for (const auto& c : cli::commands())
    if (name == c.name) cmd = &c;
  if (!cmd) {
    std::cerr << "retort: error: unknown command '" << name << "'\n\n";
    usage(std::cerr);
    return 2;
  }
  // Global options may stand before or after the command: the command's parser knows them too.
  after.insert(after.begin(), before.begin(), before.end());
  // Known before parsing, so even a bad option is reported as JSON.
  const bool json = std::find(after.begin(), after.end(), "--json") != after.end();
  const bool colour = cli::colour_wanted(after);
  const std::string error = cli::prefix(cli::paint::error, colour);
  cli::global_options globals;
  globals.colour = colour;
  cli::context ctx(globals, std::move(after), std::cout, std::cerr);
  // What an error says, for the terminal: no password, no control character.
  const auto said = [](const std::exception& e) { return printable(redact(e.what())); };
  try {
    return cmd->run(ctx);
  } catch (const cli::help_shown&) {
    return 0;
  } catch (const sdk::error& e) {
    if (const auto* f = dynamic_cast<const run_failure*>(&e))
      for (const auto& w : f->so_far.warnings) ctx.warn(w);
    if (json) json_error(std::cout, redact(e.what()), &e);
    std::cerr << error << said(e) << "\n";
    return exit_code(e.kind());
  } catch (const std::filesystem::filesystem_error& e) {
    // A path that is not what it must be (a file where a directory goes, no permission): bad files.
    if (json) json_error(std::cout, redact(e.what()), nullptr);
    std::cerr << error << said(e) << "\n";
    return 2;
  } catch (const boost::program_options::error& e) {
    if (json) json_error(std::cout, redact(e.what()), nullptr);
    std::cerr << "retort " << name << ": error: " << said(e) << "\n(see `retort " << name << " --help`)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << error << said(e) << "\n";
    return 1;
  } catch (...) {
    std::cerr << error << "an exception that is not a std::exception\n";
    return 1;
  }
}
