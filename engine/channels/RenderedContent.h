#pragma once

#include <QString>

namespace herald {

// What a message says once its templates are rendered (TemplateRenderer::render).
struct RenderedContent
{
    QString subject; // from subject or title; plain text
    QString text;    // from body or text; plain text
    QString html;    // from html; HTML
    QString locale;  // the localization variant used ("es", "en"), or the requested locale when none was

    bool operator==(const RenderedContent &) const = default;
};

} // namespace herald
