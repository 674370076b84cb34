Attribute VB_Name = "RibbonClientImport"
' client-import's ribbon tab. Each button is one line that runs one Python function of
' addin.shells.ribbon.commands through xlwings' RunPython: what a button does, what it says and how
' it fails are Python's. Nothing else lives in VBA (vba/README.md).
' This file is the source: `client-import addin build` puts it into the add-in as it is.
Option Explicit

' The rows the build writes, one per platform profile (templates/*.toml): id in A, label in B.
Private Const PLATFORMS_SHEET As String = "client_import.platforms"

Sub OnNewTemplate(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.new_template()"
End Sub

Sub OnMatchColumns(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.match_columns()"
End Sub

Sub OnForget(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.forget_choices()"
End Sub

Sub OnCheck(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.check()"
End Sub

Sub OnFix(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.fix()"
End Sub

Sub OnUndoFixes(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.undo_fixes()"
End Sub

Sub OnClearMarks(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.clear_marks()"
End Sub

Sub OnExplainCell(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.explain_cell()"
End Sub

Sub OnExportFile(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.export_file()"
End Sub

Sub OnSend(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.send()"
End Sub

Sub OnHistory(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.history()"
End Sub

Sub OnUndoSend(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.undo_send()"
End Sub

Sub OnSettings(control As IRibbonControl)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.settings()"
End Sub

' The platform chooser. Its items are the platforms sheet's rows, so adding a platform is adding
' a profile file and building again: no ribbon edit. The ids are [a-z0-9_-] (checked by the build).
Sub OnPlatform(control As IRibbonControl, selectedId As String, selectedIndex As Integer)
    If Ready() Then RunPython "import addin.shells.ribbon.commands as c; c.choose_platform('" & selectedId & "')"
End Sub

Sub PlatformCount(control As IRibbonControl, ByRef count)
    count = Platforms().Rows.count
End Sub

Sub PlatformLabel(control As IRibbonControl, index As Integer, ByRef label)
    label = Platforms().Cells(index + 1, 2).Value
End Sub

Sub PlatformID(control As IRibbonControl, index As Integer, ByRef id)
    id = Platforms().Cells(index + 1, 1).Value
End Sub

Private Function Platforms() As Range
    With ThisWorkbook.Worksheets(PLATFORMS_SHEET)
        Set Platforms = .Range("A1", .Cells(.Rows.count, 1).End(xlUp))
    End With
End Function

' xlwings' RunPython reads the active workbook before Python starts, and fails without one.
Private Function Ready() As Boolean
    Ready = Not ActiveWorkbook Is Nothing
    If Not Ready Then MsgBox "Ouvrez d'abord un classeur. / Open a workbook first.", vbInformation, "Import clients"
End Function
