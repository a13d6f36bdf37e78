#include "common/exception_text.hpp"

#include <stdexcept>

namespace gatehouse::common {

std::string exception_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace gatehouse::common
