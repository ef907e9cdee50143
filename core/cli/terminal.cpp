// terminal.cpp — colour and the progress line, for a terminal only.
#include "terminal.hpp"

#include "redact.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace retort::cli {

bool stderr_is_terminal() { return ::isatty(2) == 1; }

bool colour_wanted(const std::vector<std::string>& args) {
  const char* no_color = std::getenv("NO_COLOR");
  return stderr_is_terminal() && !(no_color && *no_color) &&
         std::find(args.begin(), args.end(), "--no-color") == args.end();
}

std::string prefix(paint p, bool colour) {
  const char* word = p == paint::error ? "error" : "warning";
  if (!colour) return fmt::format("retort: {}: ", word);
  return fmt::format("retort: \033[1;{}m{}:\033[0m ", p == paint::error ? 31 : 33, word);
}

namespace {

using clock = std::chrono::steady_clock;

std::string seconds(double s) { return s < 10 ? fmt::format("{:.1f} s", s) : fmt::format("{:.0f} s", s); }

}  // namespace

progress_display::progress_display(std::ostream& err, mode m) : err_(err), mode_(m), started_(clock::now()) {
  winsize ws{};
  if (mode_ == mode::line && ::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) width_ = ws.ws_col;
}

progress_display::~progress_display() { clear(); }

void progress_display::clear() {
  if (!on_screen_) return;
  err_ << "\r\033[K" << std::flush;
  on_screen_ = false;
}

void progress_display::operator()(const progress_event& e) {
  if (mode_ == mode::none) return;
  if (e.finished) {
    ended_.push_back(e);
    if (mode_ == mode::lines)
      err_ << redact(fmt::format("[{}/{}] {} {} {} ({} ms)", e.index + 1, e.count, to_string(e.dir), e.revision,
                                 e.message, e.duration_ms))
           << "\n";
    return;
  }
  if (mode_ != mode::line) return;
  // Redrawn at most ten times a second (a thousand fast migrations do not flood the terminal), and
  // always for the last migration, which may be the long one.
  const auto now = clock::now();
  if (on_screen_ && now - drawn_ < std::chrono::milliseconds(100) && e.index + 1 < e.count) return;
  drawn_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  std::string left;
  if (e.index > 0) left = fmt::format(", ~{} left", seconds(elapsed / e.index * (e.count - e.index)));
  const std::string tail = fmt::format("  {} elapsed{}", seconds(elapsed), left);
  std::string line = redact(fmt::format("[{}/{}] {:>3}%  {} {} {}", e.index + 1, e.count, e.index * 100 / e.count,
                                        to_string(e.dir), e.revision, e.message));
  const std::size_t room = width_ - 1 > tail.size() ? width_ - 1 - tail.size() : 0;
  if (line.size() > room) {
    std::size_t cut = room > 3 ? room - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
    line = line.substr(0, cut) + "...";
  }
  err_ << "\r\033[K" << line << tail << std::flush;
  on_screen_ = true;
}

void progress_display::finish() {
  clear();
  if (mode_ == mode::none || ended_.size() < 2) return;
  std::sort(ended_.begin(), ended_.end(),
            [](const progress_event& a, const progress_event& b) { return a.duration_ms > b.duration_ms; });
  std::vector<std::string> slowest;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, ended_.size()); ++i)
    slowest.push_back(fmt::format("{} {} ms", ended_[i].revision, ended_[i].duration_ms));
  err_ << redact(fmt::format("Slowest: {}.", fmt::join(slowest, ", "))) << "\n";
}

}  // namespace retort::cli
