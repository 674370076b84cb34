Attribute VB_Name = "ThisWorkbook"
' The add-in's own events, kept as text like every module here (vba/README.md).
Option Explicit

Private Sub Workbook_Open()
    ' The help texts of the worksheet functions in Excel's Insert Function dialog: the
    ' procedure is generated with their wrappers (addin/xlam/udf_wrappers.py).
    ClientImportFunctions.RegisterHelp
End Sub
