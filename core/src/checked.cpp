// checked.cpp — every call into a dialect plugin, with one translation of what it throws.
#include "checked.hpp"

#include <retort/sdk/error.hpp>

#include <fmt/format.h>

namespace retort {

void rethrow_from_plugin(const std::string& plugin) {
  try {
    throw;
  } catch (const sdk::error& e) {
    throw sdk::error(e);  // the plugin's message, kind and codes, in an object the core owns
  } catch (const std::exception& e) {
    throw sdk::error(sdk::error_kind::database, fmt::format("the {} plugin failed: {}", plugin, e.what()));
  } catch (...) {
    throw sdk::error(sdk::error_kind::plugin,
                     fmt::format("the {} plugin threw an exception that is not a std::exception", plugin));
  }
}

namespace {
/// `fn()`, with whatever it throws translated.
template <class Fn> auto checked(const std::string& plugin, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    rethrow_from_plugin(plugin);
  }
}
}  // namespace

checked_connection::checked_connection(std::unique_ptr<sdk::connection> c, std::string plugin)
    : c_(std::move(c)), plugin_(std::move(plugin)) {}

checked_connection::~checked_connection() {
  try {
    c_.reset();
  } catch (...) {  // a plugin's destructor that throws must not end the process
  }
}

std::uint64_t checked_connection::execute(std::string_view sql) {
  return checked(plugin_, [&] { return c_->execute(sql); });
}
std::vector<sdk::row> checked_connection::query(std::string_view sql, const std::vector<sdk::param>& params) {
  return checked(plugin_, [&] { return c_->query(sql, params); });
}
void checked_connection::begin(std::chrono::milliseconds timeout) {
  checked(plugin_, [&] { c_->begin(timeout); });
}
void checked_connection::commit() {
  checked(plugin_, [&] { c_->commit(); });
}
void checked_connection::rollback() {
  checked(plugin_, [&] { c_->rollback(); });
}
void checked_connection::lock(std::string_view key, std::chrono::milliseconds timeout) {
  checked(plugin_, [&] { c_->lock(key, timeout); });
}
void checked_connection::unlock(std::string_view key) {
  checked(plugin_, [&] { c_->unlock(key); });
}
void checked_connection::set_lock_wait(std::chrono::milliseconds timeout) {
  checked(plugin_, [&] { c_->set_lock_wait(timeout); });
}
sdk::table_place checked_connection::find_table(std::string_view schema, std::string_view name) {
  return checked(plugin_, [&] { return c_->find_table(schema, name); });
}
sdk::schema checked_connection::introspect() {
  return checked(plugin_, [&] { return c_->introspect(); });
}
std::string checked_connection::server_version() {
  return checked(plugin_, [&] { return c_->server_version(); });
}
void checked_connection::backup(const std::string& path) {
  checked(plugin_, [&] { c_->backup(path); });
}

std::string checked_dialect::name() const {
  return checked(plugin_, [&] { return d_.name(); });
}
std::vector<std::string> checked_dialect::schemes() const {
  return checked(plugin_, [&] { return d_.schemes(); });
}
sdk::capabilities checked_dialect::caps() const {
  return checked(plugin_, [&] { return d_.caps(); });
}
std::string checked_dialect::quote_identifier(std::string_view name) const {
  return checked(plugin_, [&] { return d_.quote_identifier(name); });
}
std::string checked_dialect::quote_literal(std::string_view text) const {
  return checked(plugin_, [&] { return d_.quote_literal(text); });
}
std::string checked_dialect::render_type(std::string_view neutral) const {
  return checked(plugin_, [&] { return d_.render_type(neutral); });
}
std::vector<std::string> checked_dialect::split_statements(std::string_view script) const {
  return checked(plugin_, [&] { return d_.split_statements(script); });
}
std::vector<sdk::statement> checked_dialect::render(const sdk::builtin_op& op, const sdk::schema& before) const {
  return checked(plugin_, [&] { return d_.render(op, before); });
}
std::size_t checked_dialect::render_together(const std::vector<const sdk::builtin_op*>& ops, const sdk::schema& before,
                                             std::vector<sdk::statement>& out) const {
  const std::size_t n = checked(plugin_, [&] { return d_.render_together(ops, before, out); });
  if (n > ops.size())
    throw sdk::error(sdk::error_kind::plugin,
                     fmt::format("dialect plugin {} says it rendered {} of {} operations", plugin_, n, ops.size()));
  return n;
}
std::string checked_dialect::begin_sql() const {
  return checked(plugin_, [&] { return d_.begin_sql(); });
}
std::string checked_dialect::commit_sql() const {
  return checked(plugin_, [&] { return d_.commit_sql(); });
}
std::unique_ptr<sdk::connection> checked_dialect::connect(const sdk::url& where) const {
  auto c = checked(plugin_, [&] { return d_.connect(where); });
  if (!c) throw sdk::error(sdk::error_kind::plugin, fmt::format("the {} plugin connected to nothing", plugin_));
  return std::make_unique<checked_connection>(std::move(c), plugin_);
}
std::string checked_dialect::timeout_sql(std::string_view which, std::optional<std::chrono::milliseconds> value) const {
  return checked(plugin_, [&] { return d_.timeout_sql(which, value); });
}

}  // namespace retort
