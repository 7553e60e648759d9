"""The music library: folder scan, tag reading, the import pipeline and library queries.

Import from the modules themselves (`museaud.library.importer`, `museaud.library.tracks` …): this
package's own import stays empty so that analysis worker processes load only what they use.
"""
