// The window's credential form: what a person types when the server refused
// the ticket (a password) or SASL needs credentials (user name and password),
// shown over the last frame. This part is the form's state and drawing (by
// the CPU, an overlay image as the menu is: no OpenGL); the window
// (viewer_window.cpp) feeds it SFML events in a short modal loop.
// The password is shown masked and never leaves the form except as the answer.
#pragma once

#include <optional>
#include <string>

#include <SFML/Graphics.hpp>

#include "ui/text_raster.hpp"

namespace vigil {

struct credentials_answer {
  std::string username;
  std::string password;
};

class presentation;
struct status_banner;

class credential_form {
public:
  // `why`: the refusal in words; `ask_username`: SASL (the field starts with `username`).
  credential_form(std::string why, bool ask_username, std::string username);

  enum class outcome { editing, submitted, cancelled };
  // One SFML event: text typed, Backspace, Tab (next field), Return, Escape.
  outcome on_event(const sf::Event& event);
  credentials_answer answer() const { return {username_, password_}; }

  // The form as a dimmed band across the middle of a `window`-sized window,
  // with the fields: its image (straight alpha) and where it goes.
  sf::IntRect draw(sf::Vector2u window, const text_face& font, sf::Image& image) const;

private:
  std::string why_;
  bool ask_username_;
  std::string username_;
  std::string password_;
  bool on_password_;
};

// The form's modal loop in `window`: the form is `shown`'s overlay over the
// picture and `banner`, each event goes to the form, until it is submitted
// (the answer; `banner` becomes "Connecting"), cancelled (Escape) or the
// window closed. The overlay is left empty: the caller puts back its own.
std::optional<credentials_answer> ask_in_window(sf::RenderWindow& window, presentation& shown, status_banner& banner,
                                                credential_form form, const text_face& font);

}  // namespace vigil
