// mysql_render_test.cpp — the MySQL / MariaDB dialect without a server: types, the SQL of every
// built-in operation, the session timeouts, and a corpus of scripts its splitter must cut where the
// mysql client cuts them (quotes with backslashes, # and "-- " comments, /*! */, DELIMITER).
#include "loader/plugin_host.hpp"
#include "url.hpp"

#include <retort/sdk/builtin_ops.hpp>

#include <gtest/gtest.h>

namespace sdk = retort::sdk;
namespace ops = retort::sdk::ops;

namespace {

struct mysql_fixture : ::testing::Test {
  retort::plugin_host host{{RETORT_PLUGIN_DIR}};
  const sdk::dialect& d = host.dialect_for(retort::parse_url("mysql://u@h/db"));

  std::vector<sdk::statement> sql(const std::string& script) { return d.render(ops::sql{script, {}, {}}, {}); }
  /// The one statement an operation renders to.
  std::string one(const sdk::builtin_op& op, const sdk::schema& before = {}) {
    auto out = d.render(op, before);
    EXPECT_EQ(out.size(), 1u) << sdk::op_name(op);
    return out.empty() ? std::string() : out[0].sql;
  }
  /// The error an operation's rendering throws, or "" (with a failure) when it renders.
  std::string refusal(const sdk::builtin_op& op, const sdk::schema& before = {}) {
    try {
      d.render(op, before);
      ADD_FAILURE() << sdk::op_name(op) << " rendered";
    } catch (const sdk::error& e) {
      EXPECT_EQ(e.kind(), sdk::error_kind::input) << e.what();
      return e.what();
    }
    return {};
  }

  static sdk::column col(std::string name, std::string type, bool nullable = true) {
    sdk::column c;
    c.name = std::move(name);
    c.type = std::move(type);
    c.nullable = nullable;
    return c;
  }

  /// owners (id) and accounts (id, email, score, note, owner_id → owners), with an index on email,
  /// a unique on (email, score), a check and two foreign keys, one of them covered by an index.
  static sdk::schema accounts() {
    sdk::schema s;
    sdk::table owners;
    owners.name = "owners";
    auto id = col("id", "integer", false);
    id.primary_key = id.autoincrement = true;
    owners.columns = {id};
    s.tables["owners"] = owners;
    sdk::table t;
    t.name = "accounts";
    auto score = col("score", "integer", false);
    score.server_default = "0";
    t.columns = {id, col("email", "string(100)"), score, col("note", "text"), col("owner_id", "integer"),
                 col("boss_id", "integer")};
    t.indexes = {{"ix_accounts_email", "accounts", {"email"}, false}, {"ix_accounts_boss", "accounts", {"boss_id", "id"}, false}};
    t.uniques = {{"uq_accounts_email_score", {"email", "score"}}};
    t.checks = {{"ck_accounts_score", "score >= 0"}};
    t.foreign_keys = {{"fk_accounts_owner", {"owner_id"}, "owners", {"id"}, std::string("CASCADE"), {}},
                      {"fk_accounts_boss", {"boss_id"}, "owners", {"id"}, {}, {}}};
    s.tables["accounts"] = t;
    return s;
  }
};

}  // namespace

TEST_F(mysql_fixture, claims_both_schemes_and_renders_its_types) {
  EXPECT_EQ(d.name(), "mysql");
  EXPECT_EQ(&host.dialect_for(retort::parse_url("mariadb://u@h/db")), &d);
  EXPECT_EQ(&host.dialect_for(retort::parse_url("mysql+pymysql://u@h/db")), &d);
  const auto caps = d.caps();
  EXPECT_FALSE(caps.transactional_ddl);
  EXPECT_TRUE(caps.advisory_lock);
  EXPECT_TRUE(caps.alter_column);
  EXPECT_FALSE(caps.schemas);
  EXPECT_EQ(caps.max_identifier_length, 64u);
  EXPECT_EQ(d.render_type("integer"), "INT");
  EXPECT_EQ(d.render_type("string(255)"), "VARCHAR(255)");
  EXPECT_EQ(d.render_type("boolean"), "TINYINT(1)");
  EXPECT_EQ(d.render_type("timestamp"), "DATETIME(6)");
  EXPECT_EQ(d.render_type("timestamptz"), "DATETIME(6)");
  EXPECT_EQ(d.render_type("timestamp(3)"), "DATETIME(3)");
  EXPECT_EQ(d.render_type("json"), "JSON");
  EXPECT_EQ(d.render_type("uuid"), "CHAR(36)");
  EXPECT_EQ(d.render_type("numeric(12, 2)"), "DECIMAL(12,2)");
  EXPECT_EQ(d.render_type("binary"), "BLOB");
  EXPECT_EQ(d.render_type("MEDIUMTEXT"), "MEDIUMTEXT") << "any other type as written";
  EXPECT_EQ(d.quote_identifier("we`ird"), "`we``ird`");
  EXPECT_EQ(d.quote_literal("it's a \\ here"), "'it''s a \\\\ here'") << "backslashes are escapes in MySQL strings";
  EXPECT_EQ(d.begin_sql(), "BEGIN");
}

TEST_F(mysql_fixture, create_table_writes_references_as_table_foreign_keys_and_prefixes_text_indexes) {
  sdk::table t;
  t.name = "Order";
  auto id = col("id", "bigint", false);
  id.primary_key = id.autoincrement = true;
  auto user = col("user", "integer");
  user.references = "users.id";
  user.on_delete = "CASCADE";
  auto name = col("name", "string(50)", false);
  name.server_default = "'x'";
  name.unique = true;
  auto flag = col("flag", "boolean");
  flag.server_default = "true";
  auto note = col("note", "text");
  note.server_default = "'n'";
  auto at = col("at", "timestamp", false);
  at.server_default = "CURRENT_TIMESTAMP";
  t.columns = {id, user, name, flag, note, at};
  t.checks = {{"ck_order_name", "name <> ''"}};
  t.uniques = {{"uq_order_note", {"note"}}};
  t.indexes = {{"ix_order_note", "Order", {"note", "name"}, false}};
  auto out = d.render(ops::create_table{t}, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sql,
            "CREATE TABLE `Order` (\n"
            "  `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
            "  `user` INT,\n"
            "  `name` VARCHAR(50) NOT NULL DEFAULT 'x' UNIQUE,\n"
            "  `flag` TINYINT(1) DEFAULT 1,\n"
            "  `note` TEXT DEFAULT ('n'),\n"
            "  `at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
            "  CONSTRAINT `uq_order_note` UNIQUE (`note`(191)),\n"
            "  FOREIGN KEY (`user`) REFERENCES `users` (`id`) ON DELETE CASCADE,\n"
            "  CONSTRAINT `ck_order_name` CHECK (name <> '')\n"
            ") ENGINE=InnoDB");
  EXPECT_EQ(out[1].sql, "CREATE INDEX `ix_order_note` ON `Order` (`note`(191), `name`)");

  // A composite key, and a named foreign key.
  sdk::table tags;
  tags.name = "tags";
  tags.columns = {col("child_id", "integer", false), col("tag", "string(20)", false)};
  tags.primary_key = {"child_id", "tag"};
  tags.foreign_keys = {{"fk_tags_child", {"child_id"}, "children", {"id"}, std::string("CASCADE"), std::string("SET NULL")}};
  EXPECT_EQ(one(ops::create_table{tags}),
            "CREATE TABLE `tags` (\n  `child_id` INT NOT NULL,\n  `tag` VARCHAR(20) NOT NULL,\n"
            "  PRIMARY KEY (`child_id`, `tag`),\n"
            "  CONSTRAINT `fk_tags_child` FOREIGN KEY (`child_id`) REFERENCES `children` (`id`) ON DELETE CASCADE ON UPDATE SET NULL\n"
            ") ENGINE=InnoDB");
}

TEST_F(mysql_fixture, a_string_without_a_length_is_refused_naming_the_column) {
  sdk::table t;
  t.name = "t";
  t.columns = {col("title", "string")};
  const std::string why = refusal(ops::create_table{t});
  EXPECT_NE(why.find("column 'title'"), std::string::npos) << why;
  EXPECT_NE(why.find("string(255)"), std::string::npos) << why;
  EXPECT_NE(refusal(ops::add_column{"t", col("body", "STRING")}).find("column 'body'"), std::string::npos);
}

TEST_F(mysql_fixture, every_other_operation_renders_mysqls_way) {
  const sdk::schema s = accounts();
  EXPECT_EQ(one(ops::drop_table{"accounts"}, s), "DROP TABLE `accounts`");
  EXPECT_EQ(one(ops::rename_table{"accounts", "users"}, s), "RENAME TABLE `accounts` TO `users`");
  auto owner = col("manager_id", "integer", false);
  owner.references = "owners(id)";
  owner.on_delete = "SET NULL";
  EXPECT_EQ(one(ops::add_column{"accounts", owner}, s),
            "ALTER TABLE `accounts` ADD COLUMN `manager_id` INT NOT NULL, "
            "ADD FOREIGN KEY (`manager_id`) REFERENCES `owners` (`id`) ON DELETE SET NULL");
  auto flag = col("active", "boolean", false);
  flag.server_default = "FALSE";
  EXPECT_EQ(one(ops::add_column{"accounts", flag}, s), "ALTER TABLE `accounts` ADD COLUMN `active` TINYINT(1) NOT NULL DEFAULT 0");
  EXPECT_EQ(one(ops::drop_column{"accounts", "note"}, s), "ALTER TABLE `accounts` DROP COLUMN `note`");
  EXPECT_EQ(one(ops::create_index{{"ix_accounts_note", "accounts", {"note"}, true}}, s),
            "CREATE UNIQUE INDEX `ix_accounts_note` ON `accounts` (`note`(191))");
  EXPECT_EQ(one(ops::create_index{{"ix_x", "elsewhere", {"note"}, false}}, s), "CREATE INDEX `ix_x` ON `elsewhere` (`note`)")
      << "a table earlier migrations do not know: no prefix";
  EXPECT_EQ(one(ops::drop_index{"ix_accounts_email", "accounts"}, s), "ALTER TABLE `accounts` DROP INDEX `ix_accounts_email`");
  EXPECT_EQ(one(ops::create_unique{"accounts", {"uq_accounts_note", {"note", "email"}}}, s),
            "ALTER TABLE `accounts` ADD CONSTRAINT `uq_accounts_note` UNIQUE (`note`(191), `email`)");
  EXPECT_EQ(one(ops::create_foreign_key{"accounts", {"fk_x", {"owner_id"}, "owners", {"id"}, std::string("CASCADE"), {}}}, s),
            "ALTER TABLE `accounts` ADD CONSTRAINT `fk_x` FOREIGN KEY (`owner_id`) REFERENCES `owners` (`id`) ON DELETE CASCADE");
  EXPECT_EQ(one(ops::create_check{"accounts", {"ck_x", "score < 100"}}, s),
            "ALTER TABLE `accounts` ADD CONSTRAINT `ck_x` CHECK (score < 100)");
}

TEST_F(mysql_fixture, drop_constraint_drops_each_kind_its_own_way) {
  const sdk::schema s = accounts();
  EXPECT_EQ(one(ops::drop_constraint{"uq_accounts_email_score", "accounts"}, s),
            "ALTER TABLE `accounts` DROP INDEX `uq_accounts_email_score`");
  // InnoDB made an index for the key, named after it; DROP FOREIGN KEY leaves it behind.
  EXPECT_EQ(one(ops::drop_constraint{"fk_accounts_owner", "accounts"}, s),
            "ALTER TABLE `accounts` DROP FOREIGN KEY `fk_accounts_owner`, DROP INDEX `fk_accounts_owner`");
  // ix_accounts_boss begins with boss_id: InnoDB used it, and made none.
  EXPECT_EQ(one(ops::drop_constraint{"fk_accounts_boss", "accounts"}, s), "ALTER TABLE `accounts` DROP FOREIGN KEY `fk_accounts_boss`");
  EXPECT_EQ(one(ops::drop_constraint{"ck_accounts_score", "accounts"}, s), "ALTER TABLE `accounts` DROP CONSTRAINT `ck_accounts_score`");
  // And dropping ix_accounts_boss would leave the key without an index: the same ALTER makes it one.
  EXPECT_EQ(one(ops::drop_index{"ix_accounts_boss", "accounts"}, s),
            "ALTER TABLE `accounts` DROP INDEX `ix_accounts_boss`, ADD INDEX `fk_accounts_boss` (`boss_id`)");
  EXPECT_EQ(one(ops::drop_constraint{"whatever", "unknown"}, s), "ALTER TABLE `unknown` DROP CONSTRAINT `whatever`");
}

TEST_F(mysql_fixture, alter_column_restates_the_whole_column_from_the_projected_schema) {
  const sdk::schema s = accounts();
  using opt = std::optional<std::string>;
  // Nullability and a default: MODIFY with the type kept.
  EXPECT_EQ(one(ops::alter_column{"accounts", "email", {}, false, opt("'x@example.org'"), {}}, s),
            "ALTER TABLE `accounts` MODIFY COLUMN `email` VARCHAR(100) NOT NULL DEFAULT 'x@example.org'");
  // A type, the NOT NULL and the default kept; dropping a default.
  EXPECT_EQ(one(ops::alter_column{"accounts", "score", std::string("bigint"), {}, {}, {}}, s),
            "ALTER TABLE `accounts` MODIFY COLUMN `score` BIGINT NOT NULL DEFAULT 0");
  EXPECT_EQ(one(ops::alter_column{"accounts", "score", {}, true, std::optional<opt>(opt()), {}}, s),
            "ALTER TABLE `accounts` MODIFY COLUMN `score` INT");
  // The key's AUTO_INCREMENT stays, its PRIMARY KEY is not repeated.
  EXPECT_EQ(one(ops::alter_column{"accounts", "id", std::string("bigint"), {}, {}, {}}, s),
            "ALTER TABLE `accounts` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT");
  // A rename alone needs nothing restated; with another change it is CHANGE.
  EXPECT_EQ(one(ops::alter_column{"accounts", "note", {}, {}, {}, std::string("memo")}, {}),
            "ALTER TABLE `accounts` RENAME COLUMN `note` TO `memo`");
  EXPECT_EQ(one(ops::alter_column{"accounts", "note", {}, false, {}, std::string("memo")}, s),
            "ALTER TABLE `accounts` CHANGE COLUMN `note` `memo` TEXT NOT NULL");
  // A column the earlier migrations do not know cannot be restated.
  const std::string why = refusal(ops::alter_column{"accounts", "ghost", std::string("text"), {}, {}, {}}, s);
  EXPECT_NE(why.find("accounts.ghost"), std::string::npos) << why;
  EXPECT_NE(why.find("MODIFY COLUMN"), std::string::npos) << why;
}

TEST_F(mysql_fixture, a_column_of_an_enum_type_is_an_enum_column) {
  sdk::schema s;
  s.enums["mood"] = {"happy", "it's ok"};
  auto c = col("mood", "mood", false);
  c.server_default = "'happy'";
  EXPECT_EQ(one(ops::add_column{"people", c}, s),
            "ALTER TABLE `people` ADD COLUMN `mood` ENUM('happy', 'it''s ok') NOT NULL DEFAULT 'happy'");
}

TEST_F(mysql_fixture, session_timeouts) {
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(d.timeout_sql("lock_timeout", ms(1500)), "SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2")
      << "whole seconds, rounded up";
  EXPECT_EQ(d.timeout_sql("lock_timeout", ms(10)), "SET SESSION lock_wait_timeout = 1, innodb_lock_wait_timeout = 1");
  EXPECT_EQ(d.timeout_sql("lock_timeout", std::nullopt),
            "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT");
  EXPECT_EQ(d.timeout_sql("statement_timeout", ms(2500)), "SET SESSION max_statement_time = 2.500");
  EXPECT_EQ(d.timeout_sql("statement_timeout", std::nullopt), "SET SESSION max_statement_time = DEFAULT");
  EXPECT_EQ(d.timeout_sql("something_else", ms(1)), "");
}

TEST_F(mysql_fixture, the_splitter_corpus) {
  struct splitter_case {
    std::string script;
    std::vector<std::string> statements;
  };
  const std::vector<splitter_case> corpus = {
      {"SELECT 1; SELECT 2", {"SELECT 1", "SELECT 2"}},
      {"SELECT 'a;b\\';c'; SELECT 2", {"SELECT 'a;b\\';c'", "SELECT 2"}},
      {"SELECT 'it''s; here', \"dq; \\\" \"; SELECT 2", {"SELECT 'it''s; here', \"dq; \\\" \"", "SELECT 2"}},
      {"SELECT 'back\\\\'; SELECT 2", {"SELECT 'back\\\\'", "SELECT 2"}},
      {"SELECT `we;ird``col` FROM t; SELECT 2", {"SELECT `we;ird``col` FROM t", "SELECT 2"}},
      // # and "-- " comments; "--" without the space is two minus signs.
      {"# a; comment\nSELECT 1; -- another; comment\nSELECT 2", {"SELECT 1", "SELECT 2"}},
      {"SELECT 1--1; SELECT 2", {"SELECT 1--1", "SELECT 2"}},
      {"SELECT 5 --\t2;\nSELECT 3 -- x;y\n;", {"SELECT 5 --\t2;\nSELECT 3 -- x;y"}},
      {"SELECT 1 # note; here\n, 2; SELECT 3", {"SELECT 1 # note; here\n, 2", "SELECT 3"}},
      // Executable comments are statements; other comments alone are not.
      {"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/* a plain; comment */;\n"
       "/*M!100100 SET @x = 1 */; SELECT /*+ BKA(t) */ 1",
       {"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */", "/*M!100100 SET @x = 1 */",
        "SELECT /*+ BKA(t) */ 1"}},
      {"CREATE TABLE t (a int) /*!50100 PARTITION BY HASH (a) */; SELECT 2",
       {"CREATE TABLE t (a int) /*!50100 PARTITION BY HASH (a) */", "SELECT 2"}},
      // DELIMITER blocks: the DELIMITER lines are the client's and are not sent.
      {"DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 'a//b';\nEND //\nDELIMITER ;\nCALL p();\n",
       {"CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 'a//b';\nEND", "CALL p()"}},
      {"delimiter $$\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END$$\ndelimiter ;\nSELECT 1;",
       {"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END", "SELECT 1"}},
      {"DELIMITER ;;\nSELECT 1;;\n  DELIMITER ;\nSELECT 2; SELECT 3", {"SELECT 1", "SELECT 2", "SELECT 3"}},
      {"SELECT 'DELIMITER //'; SELECT 2", {"SELECT 'DELIMITER //'", "SELECT 2"}},
      {"DELIMITER //\nSELECT 1; SELECT 2", {"SELECT 1; SELECT 2"}},  // the last statement needs no delimiter
      {"  -- only a comment\n  # and another\n", {}},
      {"SELECT 1;;  ;SELECT 2", {"SELECT 1", "SELECT 2"}},
  };
  for (const auto& c : corpus) EXPECT_EQ(d.split_statements(c.script), c.statements) << c.script;
}

TEST_F(mysql_fixture, an_unclosed_quote_or_comment_or_an_empty_delimiter_is_an_error_naming_its_line) {
  for (const auto& [script, what] : std::vector<std::pair<std::string, std::string>>{
           {"SELECT 1;\n/* left open\nSELECT 2;", "line 2: a /* comment"},
           {"\n\nSELECT 'it\\';", "line 3: a quoted string"},
           {"SELECT `name;", "line 1: a quoted name (`)"},
           {"SELECT 1;\nDELIMITER\nSELECT 2", "line 2: DELIMITER names no delimiter"}}) {
    try {
      d.split_statements(script);
      ADD_FAILURE() << script << " was accepted";
    } catch (const sdk::error& e) {
      EXPECT_EQ(e.kind(), sdk::error_kind::input);
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }
}

TEST_F(mysql_fixture, transaction_control_in_a_migration_is_refused) {
  for (const char* script : {"CREATE TABLE a (x int); COMMIT; CREATE TABLE b (x int)", "start transaction", "# c\nROLLBACK"}) {
    try {
      sql(script);
      ADD_FAILURE() << script << " was accepted";
    } catch (const sdk::error& e) {
      EXPECT_NE(std::string(e.what()).find("transaction control"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(sql("DELIMITER //\nCREATE PROCEDURE p() BEGIN COMMIT; END //").size(), 1u) << "BEGIN inside a body is fine";
}
