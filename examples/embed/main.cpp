// main.cpp — an application's start-up, migrating its database through retort's API before it serves:
//
//   embed PROJECT_DIR            open PROJECT_DIR/retort.toml, upgrade to head, say where it is
//   embed --in-code VERSIONS_DIR the same with the configuration built in code (no retort.toml)
//   embed PROJECT_DIR --plan F   write the plan to F without running it; --apply F runs it
//
// The database URL comes from DATABASE_URL (else the project's default_url). An error is printed
// with the exit code the retort command line would give.
#include <retort/retort.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: embed PROJECT_DIR [--plan FILE | --apply FILE] | embed --in-code VERSIONS_DIR\n";
    return 2;
  }
  const std::string first = argv[1];
  const std::string mode = argc > 3 ? argv[2] : "";
  try {
    retort::project project = [&] {
      if (first != "--in-code") return retort::project::open(first);
      retort::settings s;
      s.script_location = argc > 2 ? argv[2] : "migrations";
      s.version_table = "app_schema_version";
      s.history_table = "app_schema_history";
      s.default_url = "sqlite:///app.db";
      return retort::project::configure(s);
    }();

    if (mode == "--plan") {
      const retort::plan_file plan = project.plan("head");
      std::ofstream(argv[3]) << retort::plan_json(plan);
      std::cout << "planned " << plan.steps.size() << " migration(s)\n";
      return 0;
    }
    retort::run_settings how;
    how.progress = [](const retort::progress_event& e) {
      if (e.finished)
        std::cout << "[" << e.index + 1 << "/" << e.count << "] " << retort::to_string(e.dir) << " " << e.revision
                  << " " << e.message << "\n";
    };
    retort::run_result result;
    if (mode == "--apply") {
      std::ifstream in(argv[3]);
      std::stringstream text;
      text << in.rdbuf();
      result = project.apply(retort::read_plan(text.str(), argv[3]), how);
    } else {
      result = project.upgrade("head", how);
    }
    std::cout << "ran " << result.steps_run << " migration(s); at";
    for (const auto& h : project.current()) std::cout << " " << h;
    std::cout << "\n" << project.history().size() << " revision(s) in the project\n";
    return 0;
  } catch (const retort::run_failure& f) {
    std::cerr << "migration " << f.revision << " failed at statement " << f.statement << " of " << f.statements
              << ": " << f.what() << "\n";
    return retort::exit_code(f.kind());
  } catch (const retort::error& e) {
    std::cerr << "retort: " << e.what() << "\n";
    return retort::exit_code(e.kind());
  }
}
