// terminal.hpp — what retort shows on a terminal and nowhere else: colour for errors and warnings,
// and a progress line redrawn in place.
#pragma once

#include "runner.hpp"

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace retort::cli {

/// Whether stderr is a terminal.
bool stderr_is_terminal();
/// Colour on stderr: a terminal, no --no-color among `args`, and NO_COLOR unset or empty.
bool colour_wanted(const std::vector<std::string>& args);

enum class paint { error, warning };
/// `retort: error: ` or `retort: warning: `, in red or yellow when `colour`.
std::string prefix(paint p, bool colour);

/// Shows a run's progress on stderr: on a terminal one line redrawn in place (`[629/1000] 63%  up
/// 629… message  1.2 s elapsed, ~0.7 s left`); with -v one line per migration as it ends; else
/// nothing. At the end, when more than one migration ran, the slowest ones.
class progress_display {
 public:
  enum class mode { none, line, lines };
  progress_display(std::ostream& err, mode m);
  ~progress_display();
  progress_display(const progress_display&) = delete;
  progress_display& operator=(const progress_display&) = delete;

  void operator()(const progress_event& e);
  /// The run ended well: the line cleared, and the slowest migrations said.
  void finish();

 private:
  void clear();
  std::ostream& err_;
  mode mode_;
  std::chrono::steady_clock::time_point started_, drawn_;
  bool on_screen_ = false;
  std::size_t width_ = 80;
  std::vector<progress_event> ended_;
};

}  // namespace retort::cli
