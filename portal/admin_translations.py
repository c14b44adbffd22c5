"""The admin of agency content: each translated text's four languages side by side, labelled.

`TranslationsSideBySide` puts the columns of a `portal.translated.Translated` text (`title_en`,
`title_es`, ...) on one line of the form, in the languages' order, wherever the text's first
column appears (explicit fieldsets may name the columns themselves), and labels each with its
language code ("Title [es]").
"""

from translated_fields.admin import TranslatedFieldAdmin
from translated_fields.fields import to_attribute

from portal.translated import LANGUAGES


class TranslationsSideBySide(TranslatedFieldAdmin):
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        columns = {
            to_attribute(name, language): name
            for name in getattr(self.model, "_translated_fields", {})
            for language in LANGUAGES
        }
        if not columns:
            return fieldsets

        def grouped(fields):
            result = []
            for field in fields:
                if isinstance(field, str) and field in columns:
                    line = tuple(to_attribute(columns[field], language) for language in LANGUAGES)
                    if line not in result:
                        result.append(line)
                else:
                    result.append(field)
            return result

        return [(name, {**options, "fields": grouped(options["fields"])}) for name, options in fieldsets]
