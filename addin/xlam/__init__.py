"""The Excel add-in file (``client-import.xlam``), built from text and put where Excel loads it.

``vba/`` at the top of the repository is the source (the VBA modules, the ribbon XML, the
English labels); the .xlam is a build output, never edited by hand and never committed:

- ``sources``: where ``vba/`` is (the checkout, or its copy inside an installed wheel) and its
  texts, checked to survive the VBA code page;
- ``ribbon``: the ribbon XML in the chosen language and the callbacks it names;
- ``package``: the zip parts pyOpenVBA knows nothing of (the ribbon, the config sheet, the
  platforms sheet);
- ``build``: xlwings' add-in template + the modules (pyOpenVBA) + those parts → the .xlam;
- ``install``: where Excel loads add-ins on each system, and putting ours there and back.
"""
