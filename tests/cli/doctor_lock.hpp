// doctor_lock.hpp — what the server dialects' tests check of `doctor` and the run lock: while one
// runner holds it, doctor names the session (`holder`: how the dialect names one) and says to wait,
// without the password; once the run ends, it is healthy.
#pragma once

#include "process.hpp"

#include <chrono>
#include <thread>

namespace retort_test {

template <class Fixture>
void expect_doctor_names_the_lock_holder(Fixture& f, const std::string& slow_sql, const std::string& holder,
                                         const std::string& password) {
  write(f.dir / "migrations/versions/1_a.sql", "-- retort:revision a1\n-- retort:upgrade\n" + slow_sql + "\n");
  process first(f.dir.path(), {"--url", f.url, "upgrade"});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  auto r = f.retort({"doctor"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("lock: the migration lock on"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(holder), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("next: wait for that run to end"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("waited"), std::string::npos) << r.out;  // doctor does not wait
  EXPECT_EQ(r.all().find(password), std::string::npos) << r.all();
  EXPECT_EQ(first.wait().code, 0);
  r = f.retort({"doctor"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Healthy: "), std::string::npos) << r.out;
}

}  // namespace retort_test
