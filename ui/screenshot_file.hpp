// Where the menu's Screenshot goes: `directory`, or ~/Pictures when it
// exists, else ~ (else the working directory); named after the VM and the
// local time, e.g. vigil-myvm-20261206-101502.png.
#pragma once

#include <string>

#include <SFML/Graphics/Image.hpp>

namespace vigil {

std::string screenshot_path(const std::string& directory, const std::string& vm_name);

// Saves `picture` (the guest's screen) as a PNG at screenshot_path() and
// logs it; what the window's notice says ("Screenshot saved to ...").
std::string save_screenshot(const sf::Image& picture, const std::string& directory, const std::string& vm_name);

}  // namespace vigil
