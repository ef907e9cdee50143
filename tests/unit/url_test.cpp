// url_test.cpp — database URLs in SQLAlchemy's forms, and that a password never shows.
#include "url.hpp"

#include <retort/sdk/error.hpp>

#include <gtest/gtest.h>

using retort::parse_url;

TEST(url, sqlite_relative_absolute_and_memory) {
  EXPECT_EQ(parse_url("sqlite:///app.db").database, "app.db");
  EXPECT_EQ(parse_url("sqlite:///./data/app.db").database, "./data/app.db");
  EXPECT_EQ(parse_url("sqlite:////var/lib/app.db").database, "/var/lib/app.db");
  EXPECT_EQ(parse_url("sqlite://").database, ":memory:");
  EXPECT_EQ(parse_url("sqlite:///:memory:").database, ":memory:");
  EXPECT_EQ(parse_url("sqlite:////var/lib/app.db").redacted(), "sqlite:////var/lib/app.db");
  EXPECT_EQ(parse_url("sqlite:///app.db").redacted(), "sqlite:///app.db");
}

TEST(url, server_url_every_part) {
  auto u = parse_url("postgresql://alice:p%40ss%3Aword@db.example.com:6543/app%20db?sslmode=require&application_name=x");
  EXPECT_EQ(u.scheme, "postgresql");
  EXPECT_EQ(u.user, "alice");
  ASSERT_TRUE(u.password);
  EXPECT_EQ(*u.password, "p@ss:word");
  EXPECT_EQ(u.host, "db.example.com");
  ASSERT_TRUE(u.port);
  EXPECT_EQ(*u.port, 6543u);
  EXPECT_EQ(u.database, "app db");
  EXPECT_EQ(u.param("sslmode"), "require");
  EXPECT_EQ(u.param("application_name"), "x");
  EXPECT_FALSE(u.param("missing"));
}

TEST(url, driver_suffix_is_accepted_and_ignored) {
  auto u = parse_url("postgresql+psycopg2://u@h/d");
  EXPECT_EQ(u.scheme, "postgresql");
  EXPECT_EQ(u.driver, "psycopg2");
  EXPECT_EQ(parse_url("MySQL+PyMySQL://u@h/d").scheme, "mysql");
}

TEST(url, ipv6_host_and_unescaped_at_in_password) {
  auto u = parse_url("postgres://u:a@b@[::1]:5432/db");
  EXPECT_EQ(*u.password, "a@b");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(*u.port, 5432u);
  EXPECT_EQ(u.redacted(), "postgres://u:***@[::1]:5432/db");
}

TEST(url, redacted_hides_password_and_password_parameter) {
  auto u = parse_url("mysql://root:hunter2@localhost/app?password=hunter3&charset=utf8");
  std::string r = u.redacted();
  EXPECT_EQ(r, "mysql://root:***@localhost/app?password=***&charset=utf8");
  EXPECT_EQ(r.find("hunter"), std::string::npos);
}

TEST(url, errors_do_not_echo_the_text) {
  for (const char* bad : {"postgresql//u:topsecret@h/db", "postgresql://u:topsecret@h:99999/db",
                          "postgresql://u:top%ZZsecret@h/db", "postgresql://u:topsecret@h:port/db"}) {
    try {
      parse_url(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const retort::sdk::error& e) {
      EXPECT_EQ(e.kind(), retort::sdk::error_kind::input);
      EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
    }
  }
}

TEST(url, a_slash_in_a_password_and_every_password_parameter_stay_secret) {
  auto u = parse_url("postgresql://retort:12/s3cr3t@127.0.0.1:55432/app");
  EXPECT_EQ(u.user, "retort");
  ASSERT_TRUE(u.password);
  EXPECT_EQ(*u.password, "12/s3cr3t");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.database, "app");
  EXPECT_EQ(u.redacted().find("s3cr3t"), std::string::npos);
  // An '@' in the path with no credentials before it stays in the path.
  EXPECT_EQ(parse_url("sqlite:///data/a@b.db").database, "data/a@b.db");
  EXPECT_EQ(parse_url("postgresql://u@h/db?sslpassword=Kept&SSLPassword=Also").redacted(),
            "postgresql://u@h/db?sslpassword=***&SSLPassword=***");
}
