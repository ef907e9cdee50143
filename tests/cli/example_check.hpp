// example_check.hpp — what the tests on each dialect check of the repository's example
// project against its database: after `upgrade`, `check` is clean (defaults the server rewrote, the
// key names it gave, unique indexes for unique constraints are not differences), and a changed
// column is reported, exit 3.
#pragma once

#include "process.hpp"

namespace retort_test {

inline void expect_example_matches_its_model(const fs::path& dir, const std::string& url) {
  fs::copy(fs::path(RETORT_SOURCE_DIR) / "migrations", dir / "example", fs::copy_options::recursive);
  ASSERT_EQ(run(dir / "example", {"--url", url, "upgrade"}).code, 0);
  auto r = run(dir / "example", {"--url", url, "check"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::string model = slurp(dir / "example/schema.toml");
  const std::string email = "type = \"string(320)\"";
  model.replace(model.find(email), email.size(), "type = \"string(400)\"");
  write(dir / "example/schema.toml", model);
  r = run(dir / "example", {"--url", url, "check"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("~ column users.email: string(320) not null in the database, string(400) not null in the model"),
            std::string::npos)
      << r.out;
}

}  // namespace retort_test
