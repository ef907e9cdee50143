// checked.hpp — the one boundary between the core and a dialect plugin. Every call into a dialect
// or a connection it opened goes through these two adapters, and whatever the plugin throws, of any
// type, comes out as an `sdk::error` the core owns (a copy, never the plugin's object), with the
// plugin's name where the plugin did not throw an `sdk::error` of its own.
#pragma once

#include <retort/sdk/dialect.hpp>

#include <memory>
#include <string>

namespace retort {

/// Rethrows the exception being handled as an `sdk::error`; call only inside a `catch`.
[[noreturn]] void rethrow_from_plugin(const std::string& plugin);

class checked_connection final : public sdk::connection {
 public:
  checked_connection(std::unique_ptr<sdk::connection> c, std::string plugin);
  ~checked_connection() override;

  std::uint64_t execute(std::string_view sql) override;
  std::vector<sdk::row> query(std::string_view sql, const std::vector<sdk::param>& params = {}) override;
  void begin(std::chrono::milliseconds timeout) override;
  void commit() override;
  void rollback() override;
  void lock(std::string_view key, std::chrono::milliseconds timeout) override;
  void unlock(std::string_view key) override;
  void set_lock_wait(std::chrono::milliseconds timeout) override;
  sdk::table_place find_table(std::string_view schema, std::string_view name) override;
  sdk::schema introspect() override;
  std::string server_version() override;
  void backup(const std::string& path) override;

 private:
  std::unique_ptr<sdk::connection> c_;
  std::string plugin_;
};

class checked_dialect final : public sdk::dialect {
 public:
  /// `d` stays the plugin's; `plugin` names it in errors ("dialect plugin 'mysql'").
  checked_dialect(const sdk::dialect& d, std::string plugin) : d_(d), plugin_(std::move(plugin)) {}

  std::string name() const override;
  std::vector<std::string> schemes() const override;
  sdk::capabilities caps() const override;
  std::string quote_identifier(std::string_view name) const override;
  std::string quote_literal(std::string_view text) const override;
  std::string render_type(std::string_view neutral) const override;
  std::vector<std::string> split_statements(std::string_view script) const override;
  std::vector<sdk::statement> render(const sdk::builtin_op& op, const sdk::schema& before) const override;
  std::size_t render_together(const std::vector<const sdk::builtin_op*>& ops, const sdk::schema& before,
                              std::vector<sdk::statement>& out) const override;
  std::string begin_sql() const override;
  std::string commit_sql() const override;
  /// The session, itself checked.
  std::unique_ptr<sdk::connection> connect(const sdk::url& where) const override;
  std::string timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const override;

 private:
  const sdk::dialect& d_;
  std::string plugin_;
};

}  // namespace retort
