// graph.cpp — `retort graph --format dot|mermaid`: the revision graph as a picture, with labels,
// merges, dependencies and, when the database is reachable, what is applied.
#include "../cli.hpp"
#include "redact.hpp"

#include <retort/sdk/error.hpp>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iterator>

namespace retort::cli {
namespace po = boost::program_options;

namespace {

std::string node_text(const revision_graph& g, rev r) {
  std::string t = g.at(r).id;
  if (!g.at(r).branch_labels.empty())
    fmt::format_to(std::back_inserter(t), " ({})", fmt::join(g.at(r).branch_labels, ", "));
  if (!g.at(r).message.empty()) fmt::format_to(std::back_inserter(t), "\n{}", g.at(r).message);
  return t;
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
  return out;
}

std::string mermaid_escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '"' ? "#quot;" : c == '\n' ? "<br/>" : std::string(1, c);
  return out;
}

}  // namespace

int cmd_graph(context& ctx) {
  po::options_description own("retort graph");
  own.add_options()("format", po::value<std::string>()->default_value("dot"), "dot (Graphviz) or mermaid");
  auto vm = ctx.parse(own, {});
  const std::string format = vm["format"].as<std::string>();
  if (format != "dot" && format != "mermaid")
    throw sdk::error(sdk::error_kind::usage, fmt::format("--format must be dot or mermaid, not '{}'", format));
  const auto& g = ctx.graph();
  std::vector<char> applied;
  try {  // applied revisions only when a database is configured and answers
    applied = g.closure(ctx.db_heads());
  } catch (const sdk::error& e) {
    if (ctx.global.verbosity > 0) ctx.err << "note: not marking applied revisions: " << redact(e.what()) << "\n";
  }
  auto is_applied = [&](rev r) { return !applied.empty() && applied[r]; };
  if (ctx.global.json) {  // the graph as data: nodes, and edges of both kinds
    ctx.out << "{\"nodes\": [";
    for (rev r = 0; r < g.size(); ++r)
      ctx.out << (r ? ", " : "") << "{\"revision\": " << json_string(g.at(r).id)
              << ", \"branch_labels\": " << json_list(g.at(r).branch_labels) << ", \"message\": " << json_string(g.at(r).message)
              << ", \"is_head\": " << (g.children(r).empty() ? "true" : "false")
              << (applied.empty() ? "" : is_applied(r) ? ", \"applied\": true" : ", \"applied\": false") << "}";
    ctx.out << "], \"edges\": [";
    bool first = true;
    for (rev r = 0; r < g.size(); ++r)
      for (const auto& [edges, kind] : {std::pair{&g.parents(r), "down_revision"}, std::pair{&g.dependencies(r), "depends_on"}})
        for (auto p : *edges) {
          ctx.out << (first ? "" : ", ") << "{\"from\": " << json_string(g.at(p).id) << ", \"to\": " << json_string(g.at(r).id)
                  << ", \"kind\": \"" << kind << "\"}";
          first = false;
        }
    ctx.out << "]}\n";
    return 0;
  }
  if (format == "dot") {
    ctx.out << "digraph retort {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
    for (rev r = 0; r < g.size(); ++r) {
      ctx.out << "  \"" << g.at(r).id << "\" [label=\"" << dot_escape(node_text(g, r)) << "\"";
      if (g.children(r).empty()) ctx.out << ", peripheries=2";
      if (g.parents(r).size() > 1) ctx.out << ", shape=box3d";
      if (is_applied(r)) ctx.out << ", style=filled, fillcolor=\"#c8e6c9\"";
      ctx.out << "];\n";
    }
    for (rev r = 0; r < g.size(); ++r) {
      for (auto p : g.parents(r)) ctx.out << "  \"" << g.at(p).id << "\" -> \"" << g.at(r).id << "\";\n";
      for (auto d : g.dependencies(r))
        ctx.out << "  \"" << g.at(d).id << "\" -> \"" << g.at(r).id << "\" [style=dashed, label=\"depends_on\"];\n";
    }
    ctx.out << "}\n";
    return 0;
  }
  ctx.out << "flowchart BT\n";
  for (rev r = 0; r < g.size(); ++r) {
    const char* open = g.parents(r).size() > 1 ? "{{\"" : "[\"";
    const char* close = g.parents(r).size() > 1 ? "\"}}" : "\"]";
    ctx.out << "  r" << r << open << mermaid_escape(node_text(g, r)) << close << "\n";
  }
  for (rev r = 0; r < g.size(); ++r) {
    for (auto p : g.parents(r)) ctx.out << "  r" << p << " --> r" << r << "\n";
    for (auto d : g.dependencies(r)) ctx.out << "  r" << d << " -. depends_on .-> r" << r << "\n";
  }
  std::vector<std::string> heads, done;
  for (rev r = 0; r < g.size(); ++r) {
    if (g.children(r).empty()) heads.push_back(fmt::format("r{}", r));
    if (is_applied(r)) done.push_back(fmt::format("r{}", r));
  }
  ctx.out << "  classDef head stroke-width:3px;\n  classDef applied fill:#c8e6c9;\n";
  if (!heads.empty()) ctx.out << fmt::format("  class {} head;\n", fmt::join(heads, ","));
  if (!done.empty()) ctx.out << fmt::format("  class {} applied;\n", fmt::join(done, ","));
  return 0;
}

}  // namespace retort::cli
