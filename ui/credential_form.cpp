#include "ui/credential_form.hpp"

#include <chrono>
#include <thread>

#include "ui/presentation.hpp"

namespace vigil {

credential_form::credential_form(std::string why, bool ask_username, std::string username)
    : why_(std::move(why)),
      ask_username_(ask_username),
      username_(std::move(username)),
      on_password_(!ask_username || !username_.empty()) {}

credential_form::outcome credential_form::on_event(const sf::Event& event) {
  std::string& field = on_password_ ? password_ : username_;
  if (event.type == sf::Event::KeyPressed) {
    switch (event.key.code) {
      case sf::Keyboard::Escape:
        return outcome::cancelled;
      case sf::Keyboard::Enter:
        if (!on_password_) {
          on_password_ = true;
          return outcome::editing;
        }
        return outcome::submitted;
      case sf::Keyboard::Tab:
        if (ask_username_)
          on_password_ = !on_password_;
        return outcome::editing;
      default:
        return outcome::editing;
    }
  }
  if (event.type == sf::Event::TextEntered) {
    auto c = event.text.unicode;
    if (c == 8) {  // Backspace: one UTF-8 character
      while (!field.empty() && (static_cast<unsigned char>(field.back()) & 0xC0) == 0x80)
        field.pop_back();
      if (!field.empty())
        field.pop_back();
    } else if (c >= 32 && c != 127 && field.size() < 256) {
      sf::String typed(c);
      auto utf8 = typed.toUtf8();
      field.append(utf8.begin(), utf8.end());
    }
  }
  return outcome::editing;
}

void credential_form::draw(sf::RenderWindow& window, const sf::Font& font) const {
  const auto size = window.getView().getSize();
  const float band_height = ask_username_ ? 150.f : 110.f;
  sf::RectangleShape band({size.x, band_height});
  band.setPosition(0, (size.y - band_height) / 2);
  band.setFillColor(sf::Color(20, 20, 20, 220));
  window.draw(band);
  float y = band.getPosition().y + 12;
  auto line = [&](const std::string& text, bool active) {
    sf::Text shown(sf::String::fromUtf8(text.begin(), text.end()), font, 18);
    shown.setPosition(20, y);
    shown.setFillColor(active ? sf::Color::White : sf::Color(170, 170, 170));
    window.draw(shown);
    y += 32;
  };
  line(why_, false);
  if (ask_username_)
    line("User name: " + username_ + (on_password_ ? "" : "_"), !on_password_);
  line("Password: " + std::string(sf::String::fromUtf8(password_.begin(), password_.end()).getSize(), '*') +
         (on_password_ ? "_" : ""),
       on_password_);
  line("Enter: connect   Esc: cancel", false);
}

std::optional<credentials_answer> ask_in_window(sf::RenderWindow& window, presentation& shown, status_banner& banner,
                                                credential_form form, const sf::Font& font) {
  while (window.isOpen()) {
    sf::Event event;
    while (window.pollEvent(event)) {
      if (event.type == sf::Event::Closed)
        return std::nullopt;
      if (event.type == sf::Event::Resized)
        window.setView(sf::View(sf::FloatRect(0, 0, event.size.width, event.size.height)));
      switch (form.on_event(event)) {
        case credential_form::outcome::submitted:
          banner = status_banner{session_phase::connecting, "Connecting"};
          return form.answer();
        case credential_form::outcome::cancelled:
          return std::nullopt;
        case credential_form::outcome::editing:
          break;
      }
    }
    shown.set_banner(banner);
    shown.draw_with([&](sf::RenderWindow& target) { form.draw(target, font); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a modal form: frames wait until it is done
  }
  return std::nullopt;
}

}  // namespace vigil
