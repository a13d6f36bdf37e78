#pragma once
// What a coroutine's completion handler logs when the coroutine ended by an exception.

#include <exception>
#include <string>

namespace gatehouse::common {

// `what()` of the exception `error` holds, or "unknown exception" when it is not a
// std::exception. `error` must not be null.
std::string exception_text(const std::exception_ptr& error);

}  // namespace gatehouse::common
