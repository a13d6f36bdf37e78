#pragma once
// Runs code of the test process inside a named network namespace (/var/run/netns/<name>).
//
// setns(CLONE_NEWNET) changes the namespace of the calling thread only, so the function runs on
// a short-lived thread that joins the namespace first and is then joined; the rest of the test
// stays where it was. A socket belongs to the namespace it was created in for its whole life: a
// socket opened by the function keeps working from any thread after the thread has ended.

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace gatehouse::testing {

// Calls fn on a new thread inside namespace `ns` and waits for it; rethrows what fn threw.
// Throws std::runtime_error if the namespace cannot be opened or joined.
void run_in_netns(const std::string& ns, const std::function<void()>& fn);

// The same, returning fn's result.
template <class F>
auto in_netns(const std::string& ns, F fn) {
  using Result = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<Result>) {
    run_in_netns(ns, fn);
  } else {
    std::optional<Result> result;
    run_in_netns(ns, [&] { result.emplace(fn()); });
    return std::move(*result);
  }
}

}  // namespace gatehouse::testing
